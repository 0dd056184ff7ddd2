// Package graph is a small directed acyclic graph over integer vertices:
// edges, cycle detection with a readable cycle, and a concurrent walk that
// runs at most N "limited" vertices at once, starts ready vertices in a
// caller-given priority order (so a walk with a limit of one is
// reproducible), and skips the dependents of a vertex that failed.
//
// It owns scheduling only. It knows nothing of requests, HCL or HTTP: the
// caller maps its objects to vertex numbers and does the work in the
// function it passes to Walk.
package graph
