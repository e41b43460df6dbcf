package lightverify_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/cometbft/cometbft/crypto"
	"github.com/cometbft/cometbft/crypto/ed25519"
	"github.com/cometbft/cometbft/crypto/tmhash"
	cmtjson "github.com/cometbft/cometbft/libs/json"
	cmtmath "github.com/cometbft/cometbft/libs/math"
	"github.com/cometbft/cometbft/light"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	cmtversion "github.com/cometbft/cometbft/proto/tendermint/version"
	"github.com/cometbft/cometbft/types"
	"github.com/cometbft/cometbft/version"

	"github.com/govchain/govchain/verify/lightverify"
)

const chainID = "lightverify-test"

var t0 = time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)

// genKeys makes n deterministic validator keys; keys of one tag are the
// same on every call.
func genKeys(tag string, n int) []crypto.PrivKey {
	ks := make([]crypto.PrivKey, n)
	for i := range ks {
		ks[i] = ed25519.GenPrivKeyFromSecret([]byte(fmt.Sprintf("%s/%d", tag, i)))
	}
	return ks
}

func valSet(ks []crypto.PrivKey) *types.ValidatorSet {
	vs := make([]*types.Validator, len(ks))
	for i, k := range ks {
		vs[i] = types.NewValidator(k.PubKey(), 10)
	}
	return types.NewValidatorSet(vs)
}

// signedHeader makes a header of vals announcing next, signed by signers
// (keys of vals' members; others are absent).
func signedHeader(height int64, tm time.Time, vals, next *types.ValidatorSet, signers []crypto.PrivKey) *types.SignedHeader {
	h := &types.Header{
		Version:            cmtversion.Consensus{Block: version.BlockProtocol},
		ChainID:            chainID,
		Height:             height,
		Time:               tm,
		ValidatorsHash:     vals.Hash(),
		NextValidatorsHash: next.Hash(),
		DataHash:           types.Txs{}.Hash(),
		AppHash:            tmhash.Sum([]byte("app")),
		ConsensusHash:      tmhash.Sum([]byte("consensus")),
		LastResultsHash:    tmhash.Sum([]byte("results")),
		ProposerAddress:    vals.Validators[0].Address,
	}
	return &types.SignedHeader{Header: h, Commit: sign(h, vals, signers)}
}

func sign(h *types.Header, vals *types.ValidatorSet, signers []crypto.PrivKey) *types.Commit {
	blockID := types.BlockID{Hash: h.Hash(), PartSetHeader: types.PartSetHeader{Total: 1, Hash: tmhash.Sum([]byte("parts"))}}
	sigs := make([]types.CommitSig, vals.Size())
	for i := range sigs {
		sigs[i] = types.NewCommitSigAbsent()
	}
	for _, k := range signers {
		idx, _ := vals.GetByAddress(k.PubKey().Address())
		if idx < 0 {
			continue
		}
		vote := &types.Vote{
			Type: cmtproto.PrecommitType, Height: h.Height, Round: 1, BlockID: blockID,
			Timestamp: h.Time, ValidatorAddress: k.PubKey().Address(), ValidatorIndex: idx,
		}
		sig, err := k.Sign(types.VoteSignBytes(h.ChainID, vote.ToProto()))
		if err != nil {
			panic(err)
		}
		vote.Signature = sig
		sigs[idx] = vote.CommitSig()
	}
	return &types.Commit{Height: h.Height, Round: 1, BlockID: blockID, Signatures: sigs}
}

// tamper returns a copy of sh with the header edited after signing.
func tamper(sh *types.SignedHeader, edit func(h *types.Header), repoint bool) *types.SignedHeader {
	h := *sh.Header
	edit(&h)
	c := *sh.Commit
	if repoint {
		c.BlockID.Hash = h.Hash()
	}
	return &types.SignedHeader{Header: &h, Commit: &c}
}

type input struct {
	name           string
	trusted        *types.SignedHeader
	trustedVals    *types.ValidatorSet
	untrusted      *types.SignedHeader
	untrustedVals  *types.ValidatorSet
	trustingPeriod time.Duration
	now            time.Time
	drift          time.Duration
	level          cmtmath.Fraction
	want           any // nil: valid; else a pointer to the error type errors.As must find
}

// same fails unless our copy and CometBFT's light package agree: both
// accept, or both refuse with the same message and the same error type.
func same(t *testing.T, name string, ours, theirs error) {
	t.Helper()
	if (ours == nil) != (theirs == nil) {
		t.Fatalf("%s: lightverify says %v, light says %v", name, ours, theirs)
	}
	if ours == nil {
		return
	}
	if ours.Error() != theirs.Error() {
		t.Fatalf("%s: messages differ:\n lightverify: %v\n light:       %v", name, ours, theirs)
	}
	if o, l := strings.Replace(fmt.Sprintf("%T", ours), "lightverify.", "light.", 1), fmt.Sprintf("%T", theirs); o != l {
		t.Fatalf("%s: error types differ: %s, %s", name, o, l)
	}
}

func TestVerifyAgainstLight(t *testing.T) {
	ks := genKeys("a", 4)
	vals := valSet(ks)
	// One of four replaced: 3/4 of the trusted power still signs.
	oneNew := append(append([]crypto.PrivKey{}, ks[:3]...), genKeys("b", 1)...)
	oneNewVals := valSet(oneNew)
	// Three of four replaced: only 1/4 of the trusted power signs.
	threeNew := append([]crypto.PrivKey{ks[0]}, genKeys("c", 3)...)
	threeNewVals := valSet(threeNew)
	others := genKeys("d", 4)
	otherVals := valSet(others)

	h1 := signedHeader(1, t0, vals, vals, ks)
	h2 := signedHeader(2, t0.Add(time.Second), vals, vals, ks)
	h5 := signedHeader(5, t0.Add(5*time.Second), vals, vals, ks)
	const day = 24 * time.Hour
	now := t0.Add(time.Hour)
	in := func(name string, untrusted *types.SignedHeader, uvals *types.ValidatorSet, want any) input {
		return input{name, h1, vals, untrusted, uvals, day, now, 10 * time.Second, lightverify.DefaultTrustLevel, want}
	}
	invalid, cantTrust, expired := &lightverify.ErrInvalidHeader{}, &lightverify.ErrNewValSetCantBeTrusted{}, &lightverify.ErrOldHeaderExpired{}
	other := new(error) // any error
	cases := []input{
		in("adjacent", h2, vals, nil),
		in("non-adjacent", h5, vals, nil),
		in("adjacent, 3 of 4 signed", signedHeader(2, t0.Add(time.Second), vals, vals, ks[:3]), vals, nil),
		in("adjacent, 2 of 4 signed", signedHeader(2, t0.Add(time.Second), vals, vals, ks[:2]), vals, invalid),
		in("non-adjacent, 1 of 4 signed", signedHeader(5, t0.Add(5*time.Second), vals, vals, ks[:1]), vals, cantTrust),
		in("non-adjacent, 2 of 4 signed", signedHeader(5, t0.Add(5*time.Second), vals, vals, ks[:2]), vals, invalid),
		in("non-adjacent, one validator replaced", signedHeader(5, t0.Add(5*time.Second), oneNewVals, oneNewVals, oneNew), oneNewVals, nil),
		in("non-adjacent, three validators replaced", signedHeader(5, t0.Add(5*time.Second), threeNewVals, threeNewVals, threeNew), threeNewVals, cantTrust),
		in("non-adjacent, all validators replaced", signedHeader(5, t0.Add(5*time.Second), otherVals, otherVals, others), otherVals, cantTrust),
		in("adjacent, validators other than announced", signedHeader(2, t0.Add(time.Second), otherVals, otherVals, others), otherVals, other),
		in("adjacent, wrong validator set supplied", h2, otherVals, invalid),
		in("non-adjacent, wrong validator set supplied", h5, otherVals, invalid),
		in("non-adjacent, validator set with a changed power", h5, func() *types.ValidatorSet {
			vs := vals.Copy()
			vs.Validators[0].VotingPower++
			return vs
		}(), invalid),
		in("tampered app hash", tamper(h2, func(h *types.Header) { h.AppHash = tmhash.Sum([]byte("other")) }, false), vals, invalid),
		in("tampered app hash, commit re-pointed", tamper(h2, func(h *types.Header) { h.AppHash = tmhash.Sum([]byte("other")) }, true), vals, invalid),
		in("tampered time, non-adjacent, commit re-pointed", tamper(h5, func(h *types.Header) { h.Time = h.Time.Add(time.Second) }, true), vals, other), // the signatures are over the old block id
		in("tampered next validators", tamper(h2, func(h *types.Header) { h.NextValidatorsHash = otherVals.Hash() }, false), vals, invalid),
		in("another chain", tamper(h2, func(h *types.Header) { h.ChainID = "other" }, true), vals, invalid),
		in("same height", signedHeader(1, t0.Add(time.Second), vals, vals, ks), vals, invalid),
		in("lower height", tamper(h1, func(h *types.Header) { h.Height = 0 }, true), vals, invalid),
		in("time not after the trusted header", signedHeader(5, t0, vals, vals, ks), vals, invalid),
		in("adjacent, time not after", signedHeader(2, t0, vals, vals, ks), vals, invalid),
		in("from the future", signedHeader(5, now.Add(time.Minute), vals, vals, ks), vals, invalid),
	}
	exp := in("trusting period expired", h5, vals, expired)
	exp.now = t0.Add(2 * day)
	exp2 := in("trusting period expired, adjacent", h2, vals, expired)
	exp2.now, exp2.trustingPeriod = t0.Add(time.Hour), time.Hour
	level := in("trust level 2/3, one validator replaced", signedHeader(5, t0.Add(5*time.Second), oneNewVals, oneNewVals, oneNew[1:]), oneNewVals, cantTrust)
	level.level = cmtmath.Fraction{Numerator: 2, Denominator: 3}
	cases = append(cases, exp, exp2, level)

	for _, c := range cases {
		ours := lightverify.Verify(c.trusted, c.trustedVals, c.untrusted, c.untrustedVals, c.trustingPeriod, c.now, c.drift, c.level)
		theirs := light.Verify(c.trusted, c.trustedVals, c.untrusted, c.untrustedVals, c.trustingPeriod, c.now, c.drift, c.level)
		same(t, c.name, ours, theirs)
		switch w := c.want.(type) {
		case nil:
			if ours != nil {
				t.Errorf("%s: %v", c.name, ours)
			}
		case *error:
			if ours == nil {
				t.Errorf("%s: accepted", c.name)
			}
		default:
			if !errors.As(ours, w) {
				t.Errorf("%s: got %T %v, want %T", c.name, ours, ours, w)
			}
		}
		if c.untrusted.Height == c.trusted.Height+1 {
			same(t, c.name+" (VerifyAdjacent)",
				lightverify.VerifyAdjacent(c.trusted, c.untrusted, c.untrustedVals, c.trustingPeriod, c.now, c.drift),
				light.VerifyAdjacent(c.trusted, c.untrusted, c.untrustedVals, c.trustingPeriod, c.now, c.drift))
		} else {
			same(t, c.name+" (VerifyNonAdjacent)",
				lightverify.VerifyNonAdjacent(c.trusted, c.trustedVals, c.untrusted, c.untrustedVals, c.trustingPeriod, c.now, c.drift, c.level),
				light.VerifyNonAdjacent(c.trusted, c.trustedVals, c.untrusted, c.untrustedVals, c.trustingPeriod, c.now, c.drift, c.level))
		}
	}
	// Each function refuses the other's kind of step in the same words.
	same(t, "VerifyAdjacent over a gap",
		lightverify.VerifyAdjacent(h1, h5, vals, day, now, time.Second), light.VerifyAdjacent(h1, h5, vals, day, now, time.Second))
	same(t, "VerifyNonAdjacent of the next height",
		lightverify.VerifyNonAdjacent(h1, vals, h2, vals, day, now, time.Second, lightverify.DefaultTrustLevel),
		light.VerifyNonAdjacent(h1, vals, h2, vals, day, now, time.Second, light.DefaultTrustLevel))
}

func TestBackwardsAndTrustLevelAgainstLight(t *testing.T) {
	ks := genKeys("a", 4)
	vals := valSet(ks)
	h1 := signedHeader(1, t0, vals, vals, ks)
	h2 := signedHeader(2, t0.Add(time.Second), vals, vals, ks)
	linked := *h2.Header
	linked.LastBlockID = h1.Commit.BlockID
	for _, c := range []struct {
		name               string
		untrusted, trusted *types.Header
	}{
		{"linked", h1.Header, &linked},
		{"not linked", h1.Header, h2.Header},
		{"not older", h2.Header, &linked},
		{"invalid", &types.Header{}, &linked},
		{"another chain", func() *types.Header { h := *h1.Header; h.ChainID = "other"; return &h }(), &linked},
	} {
		same(t, c.name, lightverify.VerifyBackwards(c.untrusted, c.trusted), light.VerifyBackwards(c.untrusted, c.trusted))
	}
	if lightverify.VerifyBackwards(h1.Header, &linked) != nil {
		t.Fatal("a linked header was refused")
	}
	for _, nd := range [][2]uint64{{1, 3}, {2, 3}, {1, 1}, {1, 4}, {4, 3}, {0, 0}, {1, 0}} {
		f := cmtmath.Fraction{Numerator: nd[0], Denominator: nd[1]}
		same(t, fmt.Sprint(f), lightverify.ValidateTrustLevel(f), light.ValidateTrustLevel(f))
	}
	if lightverify.DefaultTrustLevel != light.DefaultTrustLevel {
		t.Fatal("default trust levels differ")
	}
	for _, d := range []time.Duration{0, time.Second, time.Hour} {
		if lightverify.HeaderExpired(h1, time.Hour, t0.Add(d)) != light.HeaderExpired(h1, time.Hour, t0.Add(d)) {
			t.Fatalf("HeaderExpired differs %v after", d)
		}
	}
}

// The light blocks of a real govchain chain (the receipt vector of package
// verify): each verifies from the one before in both implementations.
func TestRealChainAgainstLight(t *testing.T) {
	b, err := os.ReadFile("../testdata/receipt.json")
	if err != nil {
		t.Fatal(err)
	}
	var r struct {
		Anchor struct {
			Headers []json.RawMessage `json:"headers"`
		} `json:"anchor"`
	}
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	var blocks []*types.LightBlock
	for _, raw := range r.Anchor.Headers {
		var lb types.LightBlock
		if err := cmtjson.Unmarshal(raw, &lb); err != nil {
			t.Fatal(err)
		}
		blocks = append(blocks, &lb)
	}
	if len(blocks) < 2 {
		t.Fatalf("%d light blocks", len(blocks))
	}
	for i := 1; i < len(blocks); i++ {
		tr, un := blocks[i-1], blocks[i]
		now := un.Time.Add(time.Minute)
		ours := lightverify.Verify(tr.SignedHeader, tr.ValidatorSet, un.SignedHeader, un.ValidatorSet, time.Hour, now, 10*time.Second, lightverify.DefaultTrustLevel)
		theirs := light.Verify(tr.SignedHeader, tr.ValidatorSet, un.SignedHeader, un.ValidatorSet, time.Hour, now, 10*time.Second, light.DefaultTrustLevel)
		same(t, fmt.Sprintf("height %d from %d", un.Height, tr.Height), ours, theirs)
		if ours != nil {
			t.Fatal(ours)
		}
		// A year later the trust has lapsed, in both.
		late := tr.Time.Add(365 * 24 * time.Hour)
		same(t, "expired",
			lightverify.Verify(tr.SignedHeader, tr.ValidatorSet, un.SignedHeader, un.ValidatorSet, time.Hour, late, 10*time.Second, lightverify.DefaultTrustLevel),
			light.Verify(tr.SignedHeader, tr.ValidatorSet, un.SignedHeader, un.ValidatorSet, time.Hour, late, 10*time.Second, light.DefaultTrustLevel))
	}
}
