package datashare_test

import (
	"bytes"
	"errors"
	"net/http"
	"testing"

	cds "github.com/govchain/govchain/client/datashare"
	"github.com/govchain/govchain/x/datashare"
)

// The service's header decoder, from arbitrary header values: it never
// panics, refuses with a *Refusal, and what it accepts re-encodes to the
// bytes it came as.
func FuzzParseHeaders(f *testing.F) {
	r := &datashare.AccessRequest{ChainID: "c", Grant: 1, Dataset: "cab.x", Purpose: "p", Audience: key("service").Address(),
		Requester: key("requester").Address(), Time: 1, Nonce: bytes.Repeat([]byte{1}, 16), Query: make([]byte, 32)}
	raw, sig := r.Sign(key("requester"))
	h := http.Header{}
	cds.SetHeaders(h, raw, "ed25519", sig)
	f.Add(h.Get(cds.HeaderRequest), h.Get(cds.HeaderSignature))
	f.Add("", "")
	f.Add("oA==", "ed25519 AAAA")
	f.Fuzz(func(t *testing.T, req, sig string) {
		h := http.Header{}
		h.Set(cds.HeaderRequest, req)
		h.Set(cds.HeaderSignature, sig)
		ar, body, _, _, err := cds.ParseHeaders(h)
		if err != nil {
			var r *cds.Refusal
			if !errors.As(err, &r) || r.Status < 400 {
				t.Fatalf("refused without a status: %v", err)
			}
			return
		}
		if !bytes.Equal(ar.Encode(), body) {
			t.Fatal("accepted a request that re-encodes differently")
		}
	})
}
