const WORDS: Readonly<Record<string, string>> = {
  ENOENT: "no such file",
  EISDIR: "it is a folder",
  EACCES: "permission denied",
  EPERM: "permission denied",
  ENOTDIR: "a part of the path is not a folder",
  ENXIO: "not a file that can be read (a socket?)",
  ELOOP: "too many symbolic links",
  ENAMETOOLONG: "the path is too long",
};

/** Why reading a file failed, in words for a one-line error: "no such file", "it is a folder", or the code. */
export function readFailure(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  return (code && WORDS[code]) ?? code ?? String(error);
}
