package verify_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	cmtjson "github.com/cometbft/cometbft/libs/json"
	cmttypes "github.com/cometbft/cometbft/types"

	"github.com/govchain/govchain/verify"
)

// A case is a known answer for independent verifiers: a file, what to
// trust, and what a verifier must answer (docs/proofs.md, "Vectors").
type vcase struct {
	Name      string `json:"name"`
	Rule      string `json:"rule"`
	Kind      string `json:"kind"`  // receipt, state, record, log, consistency
	File      string `json:"file"`  // under verify/testdata
	Trust     string `json:"trust"` // a genesis.json, or with TrustHeader a light block
	Header    bool   `json:"trust_is_light_block,omitempty"`
	HashSuite string `json:"hash_suite"`
	Expect    string `json:"expect"` // verified or refused
	Signers   int    `json:"signers,omitempty"`
	Power     int64  `json:"power,omitempty"`
	Error     string `json:"error,omitempty"` // the Go verifier's error (for reference)
	Note      string `json:"note"`
}

var sentinels = map[string]error{
	"ErrMalformed": verify.ErrMalformed, "ErrVersion": verify.ErrVersion, "ErrChainID": verify.ErrChainID, "ErrSuite": verify.ErrSuite,
	"ErrAppHash": verify.ErrAppHash, "ErrHeight": verify.ErrHeight, "ErrStateHeader": verify.ErrStateHeader, "ErrHeaderChain": verify.ErrHeaderChain,
	"ErrSignature": verify.ErrSignature, "ErrEventsHash": verify.ErrEventsHash, "ErrMismatch": verify.ErrMismatch, "ErrRecord": verify.ErrRecord,
	"ErrNonCanonical": verify.ErrNonCanonical, "ErrInclusion": verify.ErrInclusion, "ErrConsistency": verify.ErrConsistency, "ErrTxHash": verify.ErrTxHash,
	"ErrStateProof": verify.ErrStateProof,
}

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var c bytes.Buffer
	if err := json.Compact(&c, b); err != nil {
		t.Fatal(err)
	}
	return c.Bytes()
}

// typed decodes a file into its type, edits it and encodes it again
// (members in the format's order).
func typed[T any](t *testing.T, b []byte, edit func(*T)) []byte {
	t.Helper()
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	edit(&v)
	out, err := json.Marshal(&v)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func headerOf(t *testing.T, raw json.RawMessage) json.RawMessage {
	var lb cmttypes.LightBlock
	if err := cmtjson.Unmarshal(raw, &lb); err != nil {
		t.Fatal(err)
	}
	h, err := cmtjson.Marshal(lb.Header)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// makeCases builds each case's file from the real files.
func makeCases(t *testing.T) ([]vcase, map[string][]byte) {
	files := map[string][]byte{}
	var cases []vcase
	add := func(c vcase, b []byte) {
		if b != nil {
			c.File = "cases/" + c.Name + ".json"
			files[c.File] = b
		}
		if c.Trust == "" {
			c.Trust = "genesis.json"
		}
		if c.HashSuite == "" {
			c.HashSuite = "sha256"
		}
		cases = append(cases, c)
	}
	receipt := readTestdata(t, "receipt.json")
	state := readTestdata(t, "state.json")
	r4 := readTestdata(t, "4val/receipt.json")

	add(vcase{Name: "receipt", Rule: "R9", Kind: "receipt", File: "receipt.json", Expect: "verified", Signers: 1, Power: 10, Note: "the original"}, nil)
	add(vcase{Name: "unknown-member", Rule: "R1", Kind: "receipt", Expect: "refused", Error: "ErrMalformed", Note: "a member the format does not define"},
		append([]byte(`{"note":"x",`), receipt[1:]...))
	add(vcase{Name: "upper-case-hex", Rule: "R1", Kind: "receipt", Expect: "refused", Error: "ErrMalformed", Note: "entry.tx_hash in upper case: the same bytes, not the canonical form"},
		typed(t, receipt, func(r *verify.Receipt) { r.Entry.TxHash = strings.ToUpper(r.Entry.TxHash) }))
	add(vcase{Name: "members-reordered", Rule: "R1", Kind: "receipt", Expect: "refused", Error: "ErrNonCanonical", Note: "version moved after chain_id"},
		bytes.Replace(receipt, []byte(`{"version":1,"chain_id":"govchain-dev",`), []byte(`{"chain_id":"govchain-dev","version":1,`), 1))
	add(vcase{Name: "version", Rule: "R1", Kind: "receipt", Expect: "refused", Error: "ErrVersion", Note: "version 2"},
		typed(t, receipt, func(r *verify.Receipt) { r.Version = 2 }))
	add(vcase{Name: "chain-id", Rule: "R1", Kind: "receipt", Expect: "refused", Error: "ErrChainID", Note: "another chain id"},
		typed(t, receipt, func(r *verify.Receipt) { r.ChainID = "govchain-other" }))
	add(vcase{Name: "hash-suite", Rule: "R1", Kind: "receipt", Expect: "refused", Error: "ErrSuite", Note: "anchor.hash_suite sm3 on a SHA-256 chain"},
		typed(t, receipt, func(r *verify.Receipt) { r.Anchor.HashSuite = "sm3" }))
	add(vcase{Name: "app-hash", Rule: "R2", Kind: "receipt", Expect: "refused", Error: "ErrAppHash", Note: "anchor.log_size + 1: the app hash no longer recomputes"},
		typed(t, receipt, func(r *verify.Receipt) { r.Anchor.LogSize++ }))
	add(vcase{Name: "last-header-height", Rule: "R3", Kind: "state", Expect: "refused", Error: "ErrHeight", Note: "height and anchor.height one lower: the last header is not height + 1"},
		typed(t, state, func(p *verify.StateProof) { p.Height--; p.Anchor.Height-- }))
	add(vcase{Name: "state-header", Rule: "R4", Kind: "state", Expect: "refused", Error: "ErrStateHeader", Note: "state_header replaced by the first block's header"},
		typed(t, state, func(p *verify.StateProof) { p.Anchor.StateHeader = headerOf(t, p.Anchor.Headers[0]) }))
	g := readTestdata(t, "genesis.json")
	files["cases/genesis-initial-height-2.json"] = bytes.Replace(g, []byte(`"initial_height":"1"`), []byte(`"initial_height":"2"`), 1)
	add(vcase{Name: "initial-height", Rule: "R5", Kind: "receipt", File: "receipt.json", Trust: "cases/genesis-initial-height-2.json", Expect: "refused", Error: "ErrHeaderChain",
		Note: "a genesis whose initial_height is 2: the anchor must start at height 2"}, nil)
	add(vcase{Name: "trusted-header", Rule: "R5", Kind: "state", File: "state.json", Trust: "light.json", Header: true, Expect: "verified", Signers: 1, Power: 10,
		Note: "from a trusted light block at the anchor's last height: the same block"}, nil)
	add(vcase{Name: "older-than-trusted", Rule: "R5", Kind: "receipt", File: "receipt.json", Trust: "light.json", Header: true, Expect: "refused", Error: "ErrHeaderChain",
		Note: "a receipt older than the trusted header"}, nil)
	add(vcase{Name: "4val-receipt", Rule: "R8", Kind: "receipt", File: "4val/receipt.json", Trust: "4val/genesis.json", Expect: "verified", Signers: 4, Power: 40, Note: "four validators, all signed"}, nil)
	add(vcase{Name: "4val-corrupt-4th-signature", Rule: "R7", Kind: "receipt", Trust: "4val/genesis.json", Expect: "refused", Error: "ErrSignature",
		Note: "the fourth signature of the last header altered: three still make a quorum, the file is refused"},
		editLast(t, r4, func(lb *cmttypes.LightBlock) { lb.Commit.Signatures[3].Signature[5] ^= 1 }))
	add(vcase{Name: "4val-dropped-4th-signature", Rule: "R8", Kind: "receipt", Trust: "4val/genesis.json", Expect: "verified", Signers: 3, Power: 30,
		Note: "the fourth validator marked absent: signed by 3 of 4 validators (power 30 of 40)"},
		editLast(t, r4, func(lb *cmttypes.LightBlock) { lb.Commit.Signatures[3] = cmttypes.NewCommitSigAbsent() }))
	add(vcase{Name: "4val-proposer-priority", Rule: "not covered", Kind: "receipt", Trust: "4val/genesis.json", Expect: "verified", Signers: 4, Power: 40,
		Note: "a validator's proposer_priority changed: no hash covers it"},
		editLast(t, r4, func(lb *cmttypes.LightBlock) { lb.ValidatorSet.Validators[1].ProposerPriority += 7 }))
	add(vcase{Name: "events", Rule: "R9", Kind: "receipt", Expect: "refused", Error: "ErrEventsHash", Note: "an event attribute's value changed"},
		typed(t, receipt, func(r *verify.Receipt) { r.Events[0].Attrs[0].Value = "x" }))
	add(vcase{Name: "found-false", Rule: "R10", Kind: "state", Expect: "refused", Error: "ErrMismatch", Note: "found false beside a proven value"},
		typed(t, state, func(p *verify.StateProof) { p.Found = false }))
	add(vcase{Name: "state-root-copy", Rule: "R10", Kind: "state", Expect: "refused", Error: "ErrMismatch", Note: "state_root differs from the anchor's"},
		typed(t, state, func(p *verify.StateProof) { p.StateRoot = p.Anchor.LogRoot }))
	add(vcase{Name: "absent", Rule: "R11", Kind: "state", File: "state_absent.json", Expect: "verified", Signers: 1, Power: 10, Note: "a key proven absent"}, nil)
	add(vcase{Name: "sm3-state", Rule: "R11", Kind: "state", File: "sm3/state.json", Trust: "sm3/genesis.json", HashSuite: "sm3", Expect: "verified", Signers: 1, Power: 10, Note: "an SM3 chain"}, nil)
	rec := readTestdata(t, "record.json")
	add(vcase{Name: "record", Rule: "R13", Kind: "record", File: "record.json", Expect: "verified", Signers: 1, Power: 10, Note: "a registry parcel"}, nil)
	add(vcase{Name: "record-absent", Rule: "R12", Kind: "record", Expect: "refused", Error: "ErrRecord", Note: "the record beside a proof of absence"},
		typed(t, rec, func(p *verify.RecordProof) {
			if err := json.Unmarshal(readTestdata(t, "state_absent.json"), &p.Proof); err != nil {
				t.Fatal(err)
			}
		}))
	add(vcase{Name: "record-field", Rule: "R13", Kind: "record", Expect: "refused", Error: "ErrRecord", Note: "record.district changed"},
		bytes.Replace(rec, []byte(`"district":"Dongcheng"`), []byte(`"district":"Xicheng"`), 1))
	xf := readTestdata(t, "record_transfer.json")
	add(vcase{Name: "record-derived-field", Rule: "R13", Kind: "record", Expect: "refused", Error: "ErrRecord", Note: "a transfer's derived effective_status changed (it is computed from the state header's time)"},
		bytes.Replace(xf, []byte(`"effective_status":"open"`), []byte(`"effective_status":"expired"`), 1))
	add(vcase{Name: "log", Rule: "R14", Kind: "log", File: "log.json", Expect: "verified", Signers: 1, Power: 10, Note: "a log proof"}, nil)
	add(vcase{Name: "consistency", Rule: "R15", Kind: "consistency", File: "consistency.json", Expect: "verified", Signers: 1, Power: 10, Note: "the log only grew"}, nil)
	add(vcase{Name: "consistency-root", Rule: "R15", Kind: "consistency", Expect: "refused", Error: "ErrMismatch", Note: "from_root is not from_anchor's log root"},
		typed(t, readTestdata(t, "consistency.json"), func(p *verify.ConsistencyProof) { p.FromRoot = p.ToRoot }))
	return cases, files
}

// TestCases writes (-update) and checks verify/testdata/cases: each case
// gets the answer it records.
func TestCases(t *testing.T) {
	if *update {
		cases, files := makeCases(t)
		os.RemoveAll("testdata/cases")
		os.MkdirAll("testdata/cases", 0o755)
		for name, b := range files {
			if err := os.WriteFile(filepath.Join("testdata", name), append(b, '\n'), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		out, _ := json.MarshalIndent(cases, "", "  ")
		if err := os.WriteFile("testdata/cases/cases.json", append(out, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var cases []vcase
	if err := json.Unmarshal(readTestdata(t, "cases/cases.json"), &cases); err != nil {
		t.Fatal(err)
	}
	rules := map[string]bool{}
	for _, c := range cases {
		rules[c.Rule] = true
		var tr *verify.Trust
		var err error
		if c.Header {
			tr, err = verify.TrustLightBlock(filepath.Join("testdata", c.Trust), c.HashSuite)
		} else {
			tr, err = verify.TrustGenesis(filepath.Join("testdata", c.Trust))
		}
		if err != nil {
			t.Fatalf("%s: trust: %v", c.Name, err)
		}
		b, err := os.ReadFile(filepath.Join("testdata", c.File))
		if err != nil {
			t.Fatal(err)
		}
		res, err := verifyFileAs(c.Kind, b, tr)
		switch c.Expect {
		case "verified":
			if err != nil || res.Signed.Signers != c.Signers || res.Signed.Power != c.Power {
				t.Errorf("%s (%s): %v %+v, want verified by %d (power %d)", c.Name, c.Rule, err, res, c.Signers, c.Power)
			}
		case "refused":
			if err == nil || !errors.Is(err, sentinels[c.Error]) {
				t.Errorf("%s (%s): %v, want refused with %s", c.Name, c.Rule, err, c.Error)
			}
		default:
			t.Errorf("%s: expect %q", c.Name, c.Expect)
		}
	}
	for i := 1; i <= 15; i++ {
		if r := "R" + strconv.Itoa(i); !rules[r] && r != "R6" {
			t.Errorf("no case for rule %s", r)
		}
	}
}
