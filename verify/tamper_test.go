package verify_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/govchain/govchain/x/modules"

	cmtjson "github.com/cometbft/cometbft/libs/json"
	cmttypes "github.com/cometbft/cometbft/types"

	"github.com/govchain/govchain/verify"
)

// notCovered are the fields of a proof file that no hash or signature
// covers: changing them leaves what the file proves unchanged, so the
// verifier may accept the change. docs/proofs.md lists the same fields
// ("What is covered"); TestDocsListNotCovered keeps the two in step.
var notCovered = []string{
	// A validator set's proposer and priorities are CometBFT's round-robin
	// bookkeeping: validators_hash covers each validator's key and power
	// only.
	`headers[*].validator_set.proposer`,
	`headers[*].validator_set.validators[*].proposer_priority`,
}

// verifyFileAs verifies b as the CLI does for kind.
func verifyFileAs(kind string, b []byte, tr *verify.Trust) (*verify.Result, error) {
	return verify.VerifyFile(kind, b, tr, modules.DecodeRecord)
}

var tamperFiles = []struct{ file, kind string }{
	{"receipt.json", "receipt"}, {"state.json", "state"}, {"state_absent.json", "state"},
	{"log.json", "log"}, {"record.json", "record"}, {"record_transfer.json", "record"},
	{"consistency.json", "consistency"},
}

var tamperSets = []struct{ dir, suite string }{
	{"testdata", "sha256"}, {"testdata/sm3", "sm3"}, {"testdata/4val", "sha256"},
}

// Every field of every file kind, changed one at a time (each value
// altered, each member and element removed, a member added to each
// object), is refused, unless no hash covers it (notCovered). Run over a
// SHA-256 chain, an SM3/SM2 chain and a four-validator testnet.
func TestTamperEveryField(t *testing.T) {
	total, accepted := 0, 0
	for _, set := range tamperSets {
		tr, err := verify.TrustGenesis(filepath.Join(set.dir, "genesis.json"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range tamperFiles {
			b, err := os.ReadFile(filepath.Join(set.dir, f.file))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := verifyFileAs(f.kind, b, tr); err != nil {
				t.Fatalf("%s/%s: the original does not verify: %v", set.dir, f.file, err)
			}
			var root any
			dec := json.NewDecoder(bytes.NewReader(b))
			dec.UseNumber()
			if err := dec.Decode(&root); err != nil {
				t.Fatal(err)
			}
			for _, m := range mutations(root, "") {
				total++
				out, err := json.Marshal(m.tree)
				if err != nil {
					t.Fatal(err)
				}
				_, err = verifyFileAs(f.kind, out, tr)
				if err != nil {
					continue
				}
				accepted++
				if !isNotCovered(m.path) {
					t.Errorf("%s/%s: %s (%s) was accepted", set.dir, f.file, m.path, m.what)
				}
			}
		}
	}
	t.Logf("%d tampered files: %d refused, %d accepted (fields no hash covers)", total, total-accepted, accepted)
	if total < 3000 {
		t.Fatalf("only %d tampered files", total)
	}
}

func isNotCovered(path string) bool {
	generic := regexp.MustCompile(`\[\d+\]`).ReplaceAllString(path, "[*]")
	// The anchor of every file kind: anchor, from_anchor, to_anchor.
	_, generic, ok := strings.Cut(generic, "anchor.")
	if !ok {
		return false
	}
	for _, p := range notCovered {
		if generic == p || strings.HasPrefix(generic, p+".") || strings.HasPrefix(generic, p+"[") {
			return true
		}
	}
	return false
}

type mutation struct {
	path, what string
	tree       any
}

// mutations returns every single change of v: each scalar altered, each
// member and element removed, a member added to each object. Each comes
// with a fresh copy of the whole tree (built by the caller's rebuild).
func mutations(v any, path string) []mutation {
	var out []mutation
	var walk func(v any, path string, set func(any) any)
	walk = func(v any, path string, set func(any) any) {
		switch x := v.(type) {
		case map[string]any:
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			added := copyMap(x)
			added["tampered"] = true
			out = append(out, mutation{path + ".tampered", "member added", set(added)})
			for _, k := range keys {
				del := copyMap(x)
				delete(del, k)
				out = append(out, mutation{join(path, k), "removed", set(del)})
				walk(x[k], join(path, k), func(nv any) any {
					c := copyMap(x)
					c[k] = nv
					return set(c)
				})
			}
		case []any:
			for i := range x {
				del := append(append([]any{}, x[:i]...), x[i+1:]...)
				p := path + "[" + strconv.Itoa(i) + "]"
				out = append(out, mutation{p, "removed", set(del)})
				walk(x[i], p, func(nv any) any {
					c := append([]any{}, x...)
					c[i] = nv
					return set(c)
				})
			}
		default:
			for _, alt := range alterations(x) {
				out = append(out, mutation{path, fmt.Sprintf("%v -> %v", short(x), short(alt)), set(alt)})
			}
		}
	}
	walk(v, path, func(nv any) any { return nv })
	return out
}

var hexRe = regexp.MustCompile(`^[0-9a-fA-F]+$`)

// alterations are the changed values a scalar is tried with.
func alterations(v any) []any {
	switch x := v.(type) {
	case nil:
		return []any{"AA==", json.Number("0")}
	case bool:
		return []any{!x}
	case json.Number:
		n, _ := strconv.ParseInt(string(x), 10, 64)
		return []any{json.Number(strconv.FormatInt(n+1, 10)), json.Number(string(x) + ".0"), string(x)}
	case string:
		if x == "" {
			return []any{"00"}
		}
		alts := []any{x + "0"}
		if n, err := strconv.ParseInt(x, 10, 64); err == nil { // CometBFT's int64 as a string
			alts = append(alts, strconv.FormatInt(n+1, 10))
		}
		// One character changed, in the middle and at the end (the end
		// of base64 holds padding bits).
		for _, i := range []int{len(x) / 2, len(x) - 1} {
			c := []byte(x)
			switch {
			case c[i] == '=':
				continue
			case hexRe.MatchString(x):
				c[i] = "0123456789abcdef"[(strings.IndexByte("0123456789abcdef", lower(c[i]))+1)%16]
				if x == strings.ToUpper(x) {
					c[i] = upper(c[i])
				}
			default:
				c[i] ^= 1
			}
			alts = append(alts, string(c))
		}
		if hexRe.MatchString(x) && strings.ToLower(x) != strings.ToUpper(x) { // the other case
			if x == strings.ToLower(x) {
				alts = append(alts, strings.ToUpper(x))
			} else {
				alts = append(alts, strings.ToLower(x))
			}
		}
		return alts
	}
	return nil
}

func lower(c byte) byte {
	if c >= 'A' && c <= 'F' {
		return c + 32
	}
	return c
}

func upper(c byte) byte {
	if c >= 'a' && c <= 'f' {
		return c - 32
	}
	return c
}

func copyMap(m map[string]any) map[string]any {
	c := make(map[string]any, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

func join(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

func short(v any) string {
	s := fmt.Sprint(v)
	if len(s) > 24 {
		return s[:24] + "..."
	}
	return s
}

// docs/proofs.md lists exactly the fields the tamper test accepts.
func TestDocsListNotCovered(t *testing.T) {
	b, err := os.ReadFile("../docs/proofs.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range notCovered {
		if !strings.Contains(string(b), "`"+p+"`") {
			t.Errorf("docs/proofs.md does not list %s as not covered", p)
		}
	}
}

// editLast changes the last light block of a file's anchor and returns
// the file (compact, every other byte as it was).
func editLast(t *testing.T, b []byte, edit func(lb *cmttypes.LightBlock)) []byte {
	var c bytes.Buffer
	if err := json.Compact(&c, b); err != nil {
		t.Fatal(err)
	}
	var r struct {
		Anchor verify.Anchor `json:"anchor"`
	}
	if err := json.Unmarshal(c.Bytes(), &r); err != nil {
		t.Fatal(err)
	}
	old := r.Anchor.Headers[len(r.Anchor.Headers)-1]
	var lb cmttypes.LightBlock
	if err := cmtjson.Unmarshal(old, &lb); err != nil {
		t.Fatal(err)
	}
	edit(&lb)
	raw, err := cmtjson.Marshal(&lb)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Count(c.Bytes(), old) != 1 {
		t.Fatal("the last light block is not once in the file")
	}
	return bytes.Replace(c.Bytes(), old, raw, 1)
}

// Who signed is said truthfully: a signature that does not verify is
// refused, even beyond the 2/3 quorum; a signature left out properly (the
// validator marked absent) is not counted.
func TestSignersCountedTruthfully(t *testing.T) {
	tr, err := verify.TrustGenesis("testdata/4val/genesis.json")
	if err != nil {
		t.Fatal(err)
	}
	b := load(t, "4val/receipt.json", nil)
	res, err := verifyFileAs("receipt", b, tr)
	if err != nil || res.Signed.Signers != 4 || !strings.Contains(res.Summary, "signed by 4 of 4 validators (power 40 of 40)") {
		t.Fatalf("original: %v %+v", err, res)
	}
	corrupt := editLast(t, b, func(lb *cmttypes.LightBlock) { lb.Commit.Signatures[3].Signature[5] ^= 1 })
	if _, err := verifyFileAs("receipt", corrupt, tr); !errors.Is(err, verify.ErrSignature) {
		t.Fatalf("a corrupted fourth signature: %v", err)
	}
	dropped := editLast(t, b, func(lb *cmttypes.LightBlock) { lb.Commit.Signatures[3] = cmttypes.NewCommitSigAbsent() })
	res, err = verifyFileAs("receipt", dropped, tr)
	if err != nil || !strings.Contains(res.Summary, "signed by 3 of 4 validators (power 30 of 40)") {
		t.Fatalf("a dropped fourth signature: %v %+v", err, res)
	}
	two := editLast(t, dropped, func(lb *cmttypes.LightBlock) { lb.Commit.Signatures[2] = cmttypes.NewCommitSigAbsent() })
	if _, err := verifyFileAs("receipt", two, tr); err == nil {
		t.Fatal("half the power verified")
	}
}

// With a trusted header at a height the anchor carries, the block must be
// the same (header hash); its commit is verified on its own, signature by
// signature, so a changed signature, timestamp, round or part set header
// is refused and only a properly dropped signature changes nothing but the
// count.
func TestTrustedHeaderSameBlock(t *testing.T) {
	tr, err := verify.TrustLightBlock("testdata/4val/light.json", "sha256")
	if err != nil {
		t.Fatal(err)
	}
	b := load(t, "4val/state.json", nil)
	if _, err := verifyFileAs("state", b, tr); err != nil {
		t.Fatal(err)
	}
	for name, edit := range map[string]func(lb *cmttypes.LightBlock){
		"signature": func(lb *cmttypes.LightBlock) { lb.Commit.Signatures[1].Signature[0] ^= 1 },
		"timestamp": func(lb *cmttypes.LightBlock) {
			lb.Commit.Signatures[1].Timestamp = lb.Commit.Signatures[1].Timestamp.Add(time.Millisecond)
		},
		"round":       func(lb *cmttypes.LightBlock) { lb.Commit.Round++ },
		"parts hash":  func(lb *cmttypes.LightBlock) { lb.Commit.BlockID.PartSetHeader.Hash[0] ^= 1 },
		"parts total": func(lb *cmttypes.LightBlock) { lb.Commit.BlockID.PartSetHeader.Total++ },
		"header time": func(lb *cmttypes.LightBlock) { lb.Header.Time = lb.Header.Time.Add(time.Second) },
	} {
		if _, err := verifyFileAs("state", editLast(t, b, edit), tr); err == nil {
			t.Errorf("%s changed at the trusted height: accepted", name)
		}
	}
	dropped := editLast(t, b, func(lb *cmttypes.LightBlock) { lb.Commit.Signatures[0] = cmttypes.NewCommitSigAbsent() })
	res, err := verifyFileAs("state", dropped, tr)
	if err != nil || res.Signed.Signers != 3 {
		t.Fatalf("a dropped signature at the trusted height: %v %+v", err, res)
	}
}

// BenchmarkVerifyReceiptFile is what `govchain verify receipt` does in
// process: read the file strictly, then verify it (one validator).
func BenchmarkVerifyReceiptFile(b *testing.B) {
	tr := genesisTrust(b)
	raw := load(b, "receipt.json", nil)
	b.ReportMetric(float64(len(raw)), "file-bytes")
	for i := 0; i < b.N; i++ {
		if _, err := verifyFileAs("receipt", raw, tr); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseReceiptFile is the reading alone.
func BenchmarkParseReceiptFile(b *testing.B) {
	raw := load(b, "receipt.json", nil)
	for i := 0; i < b.N; i++ {
		if _, err := verify.ParseReceipt(raw); err != nil {
			b.Fatal(err)
		}
	}
}
