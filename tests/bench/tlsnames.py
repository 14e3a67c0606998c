"""tlsnames.py - alert description names (RFC 8446 §6, RFC 5246 §7.2) for
the benchmark's generator and count checker, so that ground truth and
tshark's codes meet on one table: the one the TLS test captures' tool
already keeps (tests/captures/tls/tls-capture-tool.py), in the spelling
tlsdiag's JSON uses."""
import importlib.util
import os

_TOOL = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "captures", "tls",
                     "tls-capture-tool.py")
_spec = importlib.util.spec_from_file_location("tls_capture_tool", _TOOL)
_tool = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_tool)
ALERTS = _tool.ALERT_DESCS

# The key under which alerts sent after ChangeCipherSpec are counted (their
# description is encrypted).
ENCRYPTED = "(encrypted)"


def alert_name(code):
    return ALERTS.get(code, "unknown(%d)" % code)
