package cli

import (
	"bufio"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
)

// gcPercent is the garbage collector's target `govchain start` and `bench`
// run with unless GOGC is set: a node allocates for every tx it takes in
// and executes, and at Go's default (100) the collector took 12% of the
// CPU under load; at 400 the node held about twice the memory and
// committed about 11% more (docs/performance.md).
const gcPercent = 400

// tuneGC sets the collector for a node process: gcPercent unless GOGC is
// set, and a soft memory limit (unless GOMEMLIMIT is set) of 3 GiB or half
// the machine's memory, whichever is less, so that the larger target never
// takes the process near the machine's memory: near the limit the
// collector runs as often as it must.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		limit := int64(3 << 30)
		if total := memTotal(); total > 0 {
			limit = min(limit, total/2)
		}
		debug.SetMemoryLimit(limit)
	}
}

// memTotal is the machine's memory in bytes from /proc/meminfo (0 where
// there is none).
func memTotal() int64 {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// MemTotal:       24576000 kB
		if rest, ok := strings.CutPrefix(sc.Text(), "MemTotal:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				return 0
			}
			return kb << 10
		}
	}
	return 0
}
