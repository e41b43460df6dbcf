package datashare_test

import (
	"testing"

	"github.com/govchain/govchain/x/datashare"
)

// The handler's cost of one access-log entry (the requester's signature
// check, the grant rule, five writes), without the transaction around it:
// go test -run XXX -bench LogAccess ./x/datashare
func BenchmarkLogAccess(b *testing.B) {
	w := newWorld(b)
	w.ExpectOK(b, "steward", datashare.TypePublishDataset, dataset("cab.stats", datashare.LevelInternal, false))
	now := w.Time().Unix()
	w.ExpectOK(b, "requester", datashare.TypeRequestAccess, datashare.MsgRequestAccess{Dataset: "cab.stats", Purpose: "budget", From: now - 10, Until: now + 1_000_000})
	w.ExpectOK(b, "steward", datashare.TypeApprove, dec(1))
	msgs := make([]datashare.MsgLogAccess, b.N)
	for i := range msgs {
		msgs[i] = w.signed("requester", 1, "cab.stats", "budget", "", nil)
	}
	b.ResetTimer()
	for i := range msgs {
		if r := w.Exec("service", datashare.TypeLogAccess, msgs[i]); r.Err != nil {
			b.Fatal(r)
		}
	}
}
