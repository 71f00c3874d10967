import { execFileSync } from "node:child_process";

/** Whether python3 is on PATH and runs `code` (by default nothing: it only starts). */
export function hasPython(code = "pass"): boolean {
  try {
    execFileSync("python3", ["-c", code], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}
