/**
 * The V8 flags (and the environment) tillbridge runs with, wherever it starts: the #! line of dist/main.js, the systemd
 * unit's ExecStart, the Debian package's /usr/bin/tillbridge, `npm start`, and the daemon every
 * test and benchmark spawns (test/helpers/daemon-process.ts). A test checks they all say this.
 *
 * --optimize-for-size: V8's heuristics for small devices (smaller young generation, slower heap
 *   growth, a more eager memory reducer). With 501 tills paying, a heap that otherwise grows to
 *   ~125 MB of mostly garbage stays near 35 MB; idle RSS drops by ~10 MB (docs/performance.md).
 * --max-old-space-size=300: a ceiling well below the unit's MemoryHigh=384M, so V8 collects
 *   before the kernel throttles or kills the daemon.
 */
export const NODE_FLAGS = ['--optimize-for-size', '--max-old-space-size=300'] as const

/**
 * MALLOC_ARENA_MAX=2: glibc gives each thread that allocates (libuv's pool, V8's workers, fetch)
 * an arena of its own, and freed memory stays in them; two arenas saved ~6 MB of RSS with 501
 * tills paying on Node 24. Other C libraries ignore it.
 */
export const NODE_ENV = { MALLOC_ARENA_MAX: '2' } as const
