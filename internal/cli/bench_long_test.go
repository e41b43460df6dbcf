package cli

import (
	"reflect"
	"testing"
	"time"
)

// windows cuts a run's samples at every size committed txs: a window ends
// at the first sample at or past its boundary, and a last partial window
// covers what remains.
func TestWindows(t *testing.T) {
	s := func(sec float64, committed int64, rss float64) sample {
		return sample{at: time.Duration(sec * float64(time.Second)), committed: committed, rssMB: rss}
	}
	got := windows([]sample{s(0, 0, 10), s(1, 60, 20), s(2, 100, 15), s(3, 250, 30), s(4, 270, 5)}, 100)
	want := []BenchWindow{
		{From: 0, To: 100, Seconds: 2, TxPerSec: 50, PeakRSSMB: 20},
		{From: 100, To: 200, Seconds: 1, TxPerSec: 100, PeakRSSMB: 30},
		{From: 200, To: 270, Seconds: 1, TxPerSec: 70, PeakRSSMB: 30},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("windows:\n got %+v\nwant %+v", got, want)
	}
	if windows(nil, 100) != nil || windows([]sample{s(1, 5, 1)}, 0) != nil {
		t.Fatal("windows without samples or size")
	}
}
