package verify_test

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"testing"
	"time"

	cmttypes "github.com/cometbft/cometbft/types"

	"github.com/govchain/govchain/ledger"
	"github.com/govchain/govchain/store"
	"github.com/govchain/govchain/verify"
	"github.com/govchain/govchain/verify/lightverify"
)

// A failure says which check failed (verify's sentinel) and keeps the
// typed error of the layer below, so callers can tell a proof that leads to
// another root from a malformed one.
func TestErrorsKeepTheirCause(t *testing.T) {
	tr := genesisTrust(t)

	var sp verify.StateProof
	load(t, "state.json", &sp)
	sp.Proof.Siblings[0] = flipHex(sp.Proof.Siblings[0])
	_, err := verify.VerifyStateProof(&sp, tr)
	var rm *store.RootMismatchError
	if !errors.Is(err, verify.ErrStateProof) || !errors.As(err, &rm) {
		t.Fatalf("tampered state proof: %v", err)
	}
	if hex.EncodeToString(rm.Expected[:]) != sp.Anchor.StateRoot {
		t.Fatalf("root mismatch expected %x, the anchor's state root is %s", rm.Expected, sp.Anchor.StateRoot)
	}

	var absent verify.StateProof
	load(t, "state_absent.json", &absent)
	absent.Proof.Siblings[len(absent.Proof.Siblings)-1] = flipHex(absent.Proof.Siblings[len(absent.Proof.Siblings)-1])
	if _, err := verify.VerifyStateProof(&absent, tr); !errors.Is(err, verify.ErrStateProof) || !errors.As(err, &rm) {
		t.Fatalf("tampered absence proof: %v", err)
	}

	load(t, "state.json", &sp)
	other := base64.StdEncoding.EncodeToString([]byte("another value"))
	sp.Value = &other
	if _, err := verify.VerifyStateProof(&sp, tr); !errors.Is(err, verify.ErrStateProof) || !errors.Is(err, store.ErrProofWrongValue) {
		t.Fatalf("state proof of another value: %v", err)
	}

	var r verify.Receipt
	load(t, "receipt.json", &r)
	r.InclusionProof[0] = flipHex(r.InclusionProof[0])
	_, err = verify.VerifyReceipt(&r, tr)
	var lrm ledger.RootMismatchError
	if !errors.Is(err, verify.ErrInclusion) || !errors.As(err, &lrm) {
		t.Fatalf("tampered receipt: %v", err)
	}

	var lp verify.LogProof
	load(t, "log.json", &lp)
	lp.InclusionProof[0] = flipHex(lp.InclusionProof[0])
	if _, err := verify.VerifyLogProof(&lp, tr); !errors.Is(err, verify.ErrInclusion) || !errors.As(err, &lrm) {
		t.Fatalf("tampered log proof: %v", err)
	}

	// A header dated before the one it is verified from, re-signed in form
	// (the commit points at it) but not by the validators.
	load(t, "receipt.json", &r)
	editHeader(t, &r, func(lb *cmttypes.LightBlock) {
		lb.Header.Time = lb.Header.Time.Add(-24 * time.Hour)
		lb.Commit.BlockID.Hash = lb.Header.Hash()
	})
	_, err = verify.VerifyReceipt(&r, tr)
	var ih lightverify.ErrInvalidHeader
	if !errors.Is(err, verify.ErrHeaderChain) || !errors.As(err, &ih) {
		t.Fatalf("header from the past: %v", err)
	}
}
