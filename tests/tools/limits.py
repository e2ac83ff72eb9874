#!/usr/bin/env python3
"""limits.py MAX_SECONDS MAX_MIB CMD...: runs CMD, prints "exit seconds MiB",
and exits 0 when it finished within both limits (whatever its own exit).
The limits are the release build's; a sanitizer build (make test-sanitize
sets DANGAN_LIMIT_SCALE=3) takes about three times the memory and time,
so both limits are multiplied by it."""
import os, subprocess, sys, time
scale = float(os.environ.get("DANGAN_LIMIT_SCALE", "1"))
secs, mib = float(sys.argv[1]) * scale, float(sys.argv[2]) * scale
t0 = time.monotonic()
p = subprocess.Popen(sys.argv[3:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    _, status, ru = os.wait4(p.pid, 0)
except KeyboardInterrupt:
    p.kill(); raise
dt = time.monotonic() - t0
rss = ru.ru_maxrss / 1024
code = os.waitstatus_to_exitcode(status)
print(code, "%.2f" % dt, "%.0f" % rss)
sys.exit(0 if dt <= secs and rss <= mib else 1)
