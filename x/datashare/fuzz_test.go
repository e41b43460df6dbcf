package datashare_test

import (
	"testing"

	"github.com/govchain/govchain/codec"
	"github.com/govchain/govchain/x/datashare"
)

// Every datashare message body, from arbitrary bytes: the handler never
// panics, and a refusal carries a code and a message.
func FuzzDatashareBodies(f *testing.F) {
	types := []string{datashare.TypePublishDataset, datashare.TypeRequestAccess, datashare.TypeApprove, datashare.TypeRefuse,
		datashare.TypeRevoke, datashare.TypeGiveConsent, datashare.TypeWithdrawConsent, datashare.TypeLogAccess}
	signers := []string{"steward", "requester", "steward", "steward", "steward", "alice", "alice", "service"}
	seed := newWorld(f)
	seeds := []any{dataset("cab.x", 3, true), datashare.MsgRequestAccess{Dataset: "cab.stats", Purpose: "p", From: 1, Until: 2},
		dec(1), dec(1), dec(1), datashare.MsgConsent{Grant: 1}, datashare.MsgConsent{Grant: 1},
		seed.signed("requester", 1, "cab.stats", "budget", "", nil)}
	for i, s := range seeds {
		f.Add(uint8(i), codec.MustMarshal(s))
	}
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		w := newWorld(t)
		w.ok("steward", datashare.TypePublishDataset, dataset("cab.stats", 2, false))
		w.requestFor("requester", "cab.stats", "budget", 100)
		i := int(which) % len(types)
		r := w.Exec(signers[i], types[i], body)
		if r.Panic != "" {
			t.Fatalf("%s", r)
		}
		if r.Err != nil && r.Err.Error() == "" {
			t.Fatalf("%s: refused without a message", r)
		}
	})
}

// The access request decoder, from arbitrary bytes: never panics; what
// it accepts re-encodes to the same bytes.
func FuzzDecodeRequest(f *testing.F) {
	w := newWorld(f)
	f.Add(w.signed("requester", 1, "cab.stats", "budget", "", nil).Request)
	f.Add([]byte{0xa0})
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := datashare.DecodeRequest(b)
		if err != nil {
			return
		}
		if string(r.Encode()) != string(b) {
			t.Fatalf("%x re-encodes differently", b)
		}
	})
}
