package cli

import (
	"runtime/debug"
	"testing"
)

// tuneGC sets the collector's target and a soft memory limit below the
// machine's memory, and leaves both alone when the operator set them.
func TestTuneGC(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	tuneGC()
	if got := debug.SetGCPercent(100); got != gcPercent {
		t.Fatalf("GC percent %d, want %d", got, gcPercent)
	}
	limit := debug.SetMemoryLimit(-1)
	if limit > 3<<30 || limit <= 0 || (memTotal() > 0 && limit > memTotal()/2) {
		t.Fatalf("memory limit %d (machine %d)", limit, memTotal())
	}
	t.Setenv("GOGC", "150")
	t.Setenv("GOMEMLIMIT", "1GiB")
	debug.SetGCPercent(150)
	debug.SetMemoryLimit(1 << 30)
	tuneGC()
	if got := debug.SetGCPercent(100); got != 150 {
		t.Fatalf("GOGC set by the operator overridden: %d", got)
	}
	if got := debug.SetMemoryLimit(-1); got != 1<<30 {
		t.Fatalf("GOMEMLIMIT set by the operator overridden: %d", got)
	}
}
