# A stand-in for systemd's notify socket (research/reliability.md, Appendix B): binds a datagram
# socket, releases systemd-notify's barrier fds, and prints each message with a monotonic time.
import array, os, socket, sys, time

path, seconds = sys.argv[1], float(sys.argv[2])
end = time.time() + seconds
if os.path.exists(path):
    os.unlink(path)
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
s.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
s.settimeout(0.1)
print("listening", flush=True)
while time.time() < end:
    try:
        msg, anc, _, _ = s.recvmsg(4096, socket.CMSG_SPACE(64) + socket.CMSG_SPACE(12))
    except socket.timeout:
        continue
    for level, kind, data in anc:
        if kind == socket.SCM_RIGHTS:
            fds = array.array("i")
            fds.frombytes(data[: len(data) - len(data) % 4])
            for fd in fds:
                os.close(fd)
    for line in msg.decode().strip().split("\n"):
        print(f"{time.monotonic():.3f} {line}", flush=True)
