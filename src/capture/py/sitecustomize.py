"""Python imports this at start-up when `gilsim record` puts its folder first on PYTHONPATH.

It starts gilsim's recorder (gilsim_record.py, beside it; GILSIM_RECORD names the output file),
then runs the sitecustomize module this one hides, if the interpreter has one, so the program
starts as it would without the recorder.
"""

import os
import sys


def _run_hidden_sitecustomize():
    import importlib.machinery
    import importlib.util

    here = os.path.dirname(os.path.abspath(__file__))
    others = [p for p in sys.path if os.path.abspath(p or os.curdir) != here]
    spec = importlib.machinery.PathFinder.find_spec("sitecustomize", others)
    if spec is None or spec.loader is None:
        return
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)


try:
    import gilsim_record

    gilsim_record.install()
except Exception as error:  # the program must still run
    sys.stderr.write(f"gilsim record: the recorder did not start: {error!r}\n")

try:
    _run_hidden_sitecustomize()
except Exception as error:
    sys.stderr.write(f"gilsim record: the program's own sitecustomize failed: {error!r}\n")
