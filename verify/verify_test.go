package verify_test

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/govchain/govchain/x/modules"

	cmtjson "github.com/cometbft/cometbft/libs/json"
	cmttypes "github.com/cometbft/cometbft/types"

	"github.com/govchain/govchain/crypto"
	"github.com/govchain/govchain/node"
	"github.com/govchain/govchain/node/nodetest"
	"github.com/govchain/govchain/verify"
	"github.com/govchain/govchain/verify/vectorgen"
)

var update = flag.Bool("update", false, "regenerate testdata from a fresh chain")

// regenerate runs a dev chain and writes the proof files of vectorgen and
// the genesis into dir.
func regenerate(t *testing.T, dir string, co node.ChainOptions) {
	d := nodetest.StartDev(t, nodetest.WithChain(co))
	defer d.Stop()
	algo := crypto.AlgEd25519
	if co.AdminAlgo == crypto.AlgSM2 {
		algo = crypto.AlgSM2
	}
	err := vectorgen.Write(context.Background(), vectorgen.Chain{Client: d.Client, Admin: d.Admin, WaitSigned: d.WaitSigned, Algo: algo}, dir)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(d.Home.GenesisFile())
	os.WriteFile(filepath.Join(dir, "genesis.json"), b, 0o644)
}

func load(t testing.TB, file string, v any) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	if v != nil {
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatal(err)
		}
	}
	return b
}

func genesisTrust(t testing.TB) *verify.Trust {
	tr, err := verify.TrustGenesis("testdata/genesis.json")
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// The same vectors for a chain with the SM3 hash suite and SM2 accounts.
func TestVectorsSM3(t *testing.T) {
	if *update {
		os.MkdirAll("testdata/sm3", 0o755)
		regenerate(t, "testdata/sm3", node.ChainOptions{HashSuite: "sm3", AdminAlgo: crypto.AlgSM2})
	}
	tr, err := verify.TrustGenesis("testdata/sm3/genesis.json")
	if err != nil || tr.Suite.Name != "sm3" {
		t.Fatalf("sm3 genesis: %v", err)
	}
	var r verify.Receipt
	load(t, "sm3/receipt.json", &r)
	if _, err := verify.VerifyReceipt(&r, tr); err != nil {
		t.Fatal(err)
	}
	var sp verify.StateProof
	load(t, "sm3/state.json", &sp)
	if _, err := verify.VerifyStateProof(&sp, tr); err != nil {
		t.Fatal(err)
	}
	var lp verify.LogProof
	load(t, "sm3/log.json", &lp)
	if _, err := verify.VerifyLogProof(&lp, tr); err != nil {
		t.Fatal(err)
	}
	// A proof of one suite checked under the other fails clearly.
	sha := genesisTrust(t)
	sha.ChainID = tr.ChainID
	if _, err := verify.VerifyReceipt(&r, sha); !errors.Is(err, verify.ErrSuite) {
		t.Fatalf("sm3 receipt under sha256: %v", err)
	}
	var shaReceipt verify.Receipt
	load(t, "receipt.json", &shaReceipt)
	if _, err := verify.VerifyReceipt(&shaReceipt, tr); !errors.Is(err, verify.ErrSuite) {
		t.Fatalf("sha256 receipt under sm3: %v", err)
	}
	shaReceipt.Anchor.HashSuite = "sm3" // lying about the suite does not help
	if _, err := verify.VerifyReceipt(&shaReceipt, tr); err == nil {
		t.Fatal("a sha256 receipt relabelled sm3 verified")
	}
}

func TestVectors(t *testing.T) {
	if *update {
		regenerate(t, "testdata", node.ChainOptions{})
	}
	tr := genesisTrust(t)
	var r verify.Receipt
	load(t, "receipt.json", &r)
	res, err := verify.VerifyReceipt(&r, tr)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(res.Summary, "of govchain-dev, signed by 1 of 1 validators (power 10 of 10); result OK") {
		t.Fatalf("summary: %s", res.Summary)
	}
	if len(r.InclusionProof) < 2 {
		t.Fatal("the receipt's inclusion proof should have several hashes")
	}
	var sp, absent verify.StateProof
	load(t, "state.json", &sp)
	load(t, "state_absent.json", &absent)
	if _, err := verify.VerifyStateProof(&sp, tr); err != nil || sp.Value == nil {
		t.Fatalf("state proof: %v", err)
	}
	if res, err := verify.VerifyStateProof(&absent, tr); err != nil || absent.Value != nil || !strings.Contains(res.Summary, "has no value") {
		t.Fatalf("absence proof: %v", err)
	}
	var lp verify.LogProof
	load(t, "log.json", &lp)
	if _, err := verify.VerifyLogProof(&lp, tr); err != nil {
		t.Fatalf("log proof: %v", err)
	}
	// From a trusted header instead of genesis.
	ht, err := verify.TrustLightBlock("testdata/light.json", "sha256")
	if err != nil {
		t.Fatal(err)
	}
	// light.json is the header that signs the newest files: they verify
	// from it (the same block at the trusted height); the receipt, older,
	// is refused.
	if _, err := verify.VerifyStateProof(&sp, ht); err != nil {
		t.Fatalf("from a trusted header: %v", err)
	}
	if _, err := verify.VerifyReceipt(&r, ht); !errors.Is(err, verify.ErrHeaderChain) || !strings.Contains(err.Error(), "older than the trusted header") {
		t.Fatalf("a receipt older than the trusted header: %v", err)
	}
}

// clone deep-copies a receipt through JSON.
func clone(t *testing.T, r *verify.Receipt) *verify.Receipt {
	b, _ := json.Marshal(r)
	var c verify.Receipt
	json.Unmarshal(b, &c)
	return &c
}

func flipHex(s string) string {
	b, _ := hex.DecodeString(s)
	b[len(b)/2] ^= 1
	return hex.EncodeToString(b)
}

// editHeader decodes the last light block, edits it and puts it back.
func editHeader(t *testing.T, r *verify.Receipt, edit func(lb *cmttypes.LightBlock)) {
	raw := r.Anchor.Headers[len(r.Anchor.Headers)-1]
	var lb cmttypes.LightBlock
	if err := cmtjson.Unmarshal(raw, &lb); err != nil {
		t.Fatal(err)
	}
	edit(&lb)
	out, err := cmtjson.Marshal(&lb)
	if err != nil {
		t.Fatal(err)
	}
	r.Anchor.Headers[len(r.Anchor.Headers)-1] = out
}

// Tampering with any part of a receipt fails with a specific error.
func TestReceiptTamper(t *testing.T) {
	tr := genesisTrust(t)
	var base verify.Receipt
	load(t, "receipt.json", &base)
	cases := []struct {
		name string
		edit func(r *verify.Receipt)
		want error
	}{
		{"tx byte", func(r *verify.Receipt) {
			b, _ := base64.StdEncoding.DecodeString(r.Tx)
			b[len(b)-5] ^= 1
			r.Tx = base64.StdEncoding.EncodeToString(b)
		}, verify.ErrTxHash},
		{"entry code", func(r *verify.Receipt) { r.Entry.Code = 9 }, verify.ErrInclusion},
		{"entry height", func(r *verify.Receipt) { r.Entry.Height++ }, verify.ErrHeight},
		{"events", func(r *verify.Receipt) { r.Events[0].Attrs[0].Value = "x" }, verify.ErrEventsHash},
		{"log index", func(r *verify.Receipt) { r.LogIndex++ }, verify.ErrInclusion},
		{"inclusion proof", func(r *verify.Receipt) { r.InclusionProof[0] = flipHex(r.InclusionProof[0]) }, verify.ErrInclusion},
		{"log root", func(r *verify.Receipt) { r.Anchor.LogRoot = flipHex(r.Anchor.LogRoot) }, verify.ErrInclusion},
		{"log size", func(r *verify.Receipt) { r.Anchor.LogSize++ }, verify.ErrAppHash}, // the proof may fit a larger log; the app hash binds the size
		{"state root", func(r *verify.Receipt) { r.Anchor.StateRoot = flipHex(r.Anchor.StateRoot) }, verify.ErrAppHash},
		{"app hash", func(r *verify.Receipt) { r.Anchor.AppHash = flipHex(r.Anchor.AppHash) }, verify.ErrAppHash},
		{"chain id", func(r *verify.Receipt) { r.ChainID = "govchain-other" }, verify.ErrChainID},
		{"version", func(r *verify.Receipt) { r.Version = 2 }, verify.ErrVersion},
		{"no headers", func(r *verify.Receipt) { r.Anchor.Headers = nil }, verify.ErrNoHeader},
		{"header app hash", func(r *verify.Receipt) {
			editHeader(t, r, func(lb *cmttypes.LightBlock) { lb.Header.AppHash[0] ^= 1 })
		}, verify.ErrMalformed}, // the commit no longer signs this header's hash
		{"header app hash, commit re-pointed", func(r *verify.Receipt) {
			editHeader(t, r, func(lb *cmttypes.LightBlock) {
				lb.Header.AppHash[0] ^= 1
				lb.Commit.BlockID.Hash = lb.Header.Hash()
			})
		}, verify.ErrHeaderAppHash},
		{"header time", func(r *verify.Receipt) {
			editHeader(t, r, func(lb *cmttypes.LightBlock) { lb.Header.Time = lb.Header.Time.Add(time.Second) })
		}, verify.ErrMalformed}, // the commit no longer signs this header's hash
		{"header time, commit re-pointed", func(r *verify.Receipt) {
			editHeader(t, r, func(lb *cmttypes.LightBlock) {
				lb.Header.Time = lb.Header.Time.Add(time.Second)
				lb.Commit.BlockID.Hash = lb.Header.Hash()
			})
		}, verify.ErrHeaderChain}, // the signatures are over the old block id
		{"signature", func(r *verify.Receipt) {
			editHeader(t, r, func(lb *cmttypes.LightBlock) { lb.Commit.Signatures[0].Signature[3] ^= 1 })
		}, verify.ErrHeaderChain}, // the light verifier sees it first
		{"validator set", func(r *verify.Receipt) {
			editHeader(t, r, func(lb *cmttypes.LightBlock) { lb.ValidatorSet.Validators[0].VotingPower++ })
		}, verify.ErrMalformed},
		{"first header dropped", func(r *verify.Receipt) { r.Anchor.Headers = r.Anchor.Headers[1:] }, verify.ErrHeaderChain},
	}
	for _, c := range cases {
		r := clone(t, &base)
		c.edit(r)
		_, err := verify.VerifyReceipt(r, tr)
		if !errors.Is(err, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, err, c.want)
		}
	}
	// Another chain's genesis: a different chain id, or the same id with
	// other validators.
	other := *tr
	other.ChainID = "govchain-other"
	if _, err := verify.VerifyReceipt(&base, &other); !errors.Is(err, verify.ErrChainID) {
		t.Errorf("other chain: %v", err)
	}
	pv := cmttypes.NewMockPV()
	pk, _ := pv.GetPubKey()
	impostors := &verify.Trust{ChainID: tr.ChainID, Genesis: cmttypes.NewValidatorSet([]*cmttypes.Validator{cmttypes.NewValidator(pk, 10)})}
	if _, err := verify.VerifyReceipt(&base, impostors); !errors.Is(err, verify.ErrHeaderChain) {
		t.Errorf("other validators: %v", err)
	}
}

// Every byte of every hash, signature and the tx in a receipt matters.
func TestReceiptEveryByte(t *testing.T) {
	tr := genesisTrust(t)
	var base verify.Receipt
	load(t, "receipt.json", &base)
	n := 0
	flipAll := func(name, s string, set func(r *verify.Receipt, v string), enc func([]byte) string, dec func(string) ([]byte, error)) {
		b, _ := dec(s)
		for i := range b {
			c := append([]byte{}, b...)
			c[i] ^= 0x40
			r := clone(t, &base)
			set(r, enc(c))
			if _, err := verify.VerifyReceipt(r, tr); err == nil {
				t.Fatalf("%s: flipping byte %d was not detected", name, i)
			}
			n++
		}
	}
	b64 := base64.StdEncoding
	flipAll("tx", base.Tx, func(r *verify.Receipt, v string) { r.Tx = v }, b64.EncodeToString, b64.DecodeString)
	flipAll("app hash", base.Anchor.AppHash, func(r *verify.Receipt, v string) { r.Anchor.AppHash = v }, hex.EncodeToString, hex.DecodeString)
	flipAll("state root", base.Anchor.StateRoot, func(r *verify.Receipt, v string) { r.Anchor.StateRoot = v }, hex.EncodeToString, hex.DecodeString)
	flipAll("log root", base.Anchor.LogRoot, func(r *verify.Receipt, v string) { r.Anchor.LogRoot = v }, hex.EncodeToString, hex.DecodeString)
	for k := range base.InclusionProof {
		flipAll("inclusion proof", base.InclusionProof[k], func(r *verify.Receipt, v string) { r.InclusionProof[k] = v }, hex.EncodeToString, hex.DecodeString)
	}
	var lb cmttypes.LightBlock
	cmtjson.Unmarshal(base.Anchor.Headers[len(base.Anchor.Headers)-1], &lb)
	for i := range lb.Commit.Signatures[0].Signature {
		r := clone(t, &base)
		editHeader(t, r, func(l *cmttypes.LightBlock) { l.Commit.Signatures[0].Signature[i] ^= 0x40 })
		if _, err := verify.VerifyReceipt(r, tr); err == nil {
			t.Fatalf("signature byte %d", i)
		}
		n++
	}
	t.Logf("%d single-byte changes, all detected", n)
}

func FuzzVerifyReceipt(f *testing.F) {
	f.Add(load(f, "receipt.json", nil))
	f.Add([]byte(`{"version":1,"anchor":{"headers":[{}]}}`))
	tr := genesisTrust(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		var r verify.Receipt
		if json.Unmarshal(b, &r) != nil {
			return
		}
		verify.VerifyReceipt(&r, tr)
	})
}

func FuzzVerifyStateProof(f *testing.F) {
	f.Add(load(f, "state.json", nil))
	f.Add(load(f, "state_absent.json", nil))
	tr := genesisTrust(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		var p verify.StateProof
		if json.Unmarshal(b, &p) != nil {
			return
		}
		verify.VerifyStateProof(&p, tr)
	})
}

func FuzzDecodeLightBlock(f *testing.F) {
	f.Add(load(f, "light.json", nil))
	f.Fuzz(func(t *testing.T, b []byte) {
		verify.DecodeLightBlock(b)
	})
}

func BenchmarkVerifyReceipt(b *testing.B) {
	tr := genesisTrust(b)
	var r verify.Receipt
	raw := load(b, "receipt.json", &r)
	b.ReportMetric(float64(len(raw)), "receipt-bytes")
	for i := 0; i < b.N; i++ {
		if _, err := verify.VerifyReceipt(&r, tr); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyStateProof(b *testing.B) {
	tr := genesisTrust(b)
	var p verify.StateProof
	load(b, "state.json", &p)
	for i := 0; i < b.N; i++ {
		if _, err := verify.VerifyStateProof(&p, tr); err != nil {
			b.Fatal(err)
		}
	}
}

func FuzzVerifyLogProof(f *testing.F) {
	f.Add(load(f, "log.json", nil))
	tr := genesisTrust(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		var p verify.LogProof
		if json.Unmarshal(b, &p) != nil {
			return
		}
		verify.VerifyLogProof(&p, tr)
	})
}

// The strict readers of every file kind take any bytes without panicking,
// and whatever they accept verifies or fails cleanly.
func FuzzParseFiles(f *testing.F) {
	for _, name := range []string{"receipt.json", "state.json", "record.json", "log.json", "consistency.json"} {
		f.Add(load(f, name, nil))
	}
	f.Add([]byte(`{"version":1,"anchor":{"headers":[{}]}}`))
	tr := genesisTrust(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		if r, err := verify.ParseReceipt(b); err == nil {
			verify.VerifyReceipt(r, tr)
		}
		if p, err := verify.ParseStateProof(b); err == nil {
			verify.VerifyStateProof(p, tr)
		}
		if p, err := verify.ParseRecord(b); err == nil {
			verify.VerifyRecord(p, tr, modules.DecodeRecord)
		}
		if p, err := verify.ParseLogProof(b); err == nil {
			verify.VerifyLogProof(p, tr)
		}
		if p, err := verify.ParseConsistency(b); err == nil {
			verify.VerifyConsistency(p, tr)
		}
	})
}
