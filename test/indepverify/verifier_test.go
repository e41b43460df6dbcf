package indepverify

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/cometbft/cometbft/crypto/ed25519"
	"github.com/transparency-dev/merkle/proof"
)

const root = "../.."

var vt = filepath.Join(root, "verify/testdata")

func read(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func trustFor(t *testing.T, trustFile, suite string) *Trust {
	t.Helper()
	b := read(t, filepath.Join(vt, trustFile))
	var tr *Trust
	var err error
	if strings.Contains(filepath.Base(trustFile), "light") {
		tr, err = TrustLightBlock(b, suite)
	} else {
		tr, err = TrustGenesis(b)
	}
	if err != nil {
		t.Fatalf("trust %s: %v", trustFile, err)
	}
	return tr
}

type tcase struct {
	Name, Rule, Kind, File, Trust, Note string
	HashSuite                           string `json:"hash_suite"`
	Expect                              string
	Signers                             int
	Power                               int64
	Error                               string
}

func TestCases(t *testing.T) {
	var cs []tcase
	if err := json.Unmarshal(read(t, filepath.Join(vt, "cases/cases.json")), &cs); err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		t.Run(c.Name, func(t *testing.T) {
			tr := trustFor(t, c.Trust, c.HashSuite)
			res, err := Verify(c.Kind, tr, read(t, filepath.Join(vt, c.File)))
			got := "verified"
			if err != nil {
				got = "refused"
			}
			t.Logf("%s %s (%s): expect %s (%s), got %s err=%v res=%+v", c.Name, c.Rule, c.File, c.Expect, c.Error, got, err, res)
			if got != c.Expect {
				t.Errorf("DISAGREE %s rule %s file %s: expected %s, got %s (%v)", c.Name, c.Rule, c.File, c.Expect, got, err)
			}
			if got == "verified" && (res.Signers != c.Signers || res.Power != c.Power) {
				t.Errorf("signers %d power %d, expected %d/%d", res.Signers, res.Power, c.Signers, c.Power)
			}
		})
	}
}

var originals = []struct{ file, kind string }{
	{"receipt.json", "receipt"}, {"state.json", "state"}, {"state_absent.json", "state"},
	{"record.json", "record"}, {"record_transfer.json", "record"}, {"log.json", "log"},
	{"consistency.json", "consistency"},
}

var sets = []struct {
	dir, suite string
	signers    int
	power      int64
}{{"", "sha256", 1, 10}, {"sm3", "sm3", 1, 10}, {"4val", "sha256", 4, 40}}

func TestOriginals(t *testing.T) {
	for _, s := range sets {
		tr := trustFor(t, filepath.Join(s.dir, "genesis.json"), s.suite)
		if tr.Suite.Name != s.suite {
			t.Errorf("%s: suite %s", s.dir, tr.Suite.Name)
		}
		for _, o := range originals {
			p := filepath.Join(vt, s.dir, o.file)
			res, err := Verify(o.kind, tr, read(t, p))
			if err != nil {
				t.Errorf("DISAGREE %s: expected verified, refused: %v", p, err)
				continue
			}
			if res.Signers != s.signers || res.Power != s.power {
				t.Errorf("%s: signers %d power %d", p, res.Signers, res.Power)
			}
			t.Logf("%s verified: signed by %d of %d validators (power %d of %d)", p, res.Signers, res.Validators, res.Power, res.TotalPower)
		}
		// the light.json of each set as a trust root for its own files
		ltr, err := TrustLightBlock(read(t, filepath.Join(vt, s.dir, "light.json")), s.suite)
		if err != nil {
			t.Errorf("%s light.json: %v", s.dir, err)
			continue
		}
		for _, o := range originals {
			p := filepath.Join(vt, s.dir, o.file)
			_, err := Verify(o.kind, ltr, read(t, p))
			t.Logf("%s from light.json (height %d): err=%v", p, ltr.Trusted.Height, err)
		}
	}
}

// ---------- ledger / store vectors ----------

func unhex(t *testing.T, s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestLedgerVectors(t *testing.T) {
	for _, f := range []struct{ file, suite string }{{"vectors.json", "sha256"}, {"vectors-sm3.json", "sm3"}} {
		s, _ := SuiteByName(f.suite)
		var v struct {
			Events []struct {
				Events     []Event `json:"events"`
				CBOR       string  `json:"cbor"`
				EventsHash string  `json:"events_hash"`
			} `json:"events"`
			Leaves []struct {
				Entry     Entry  `json:"entry"`
				LeafBytes string `json:"leaf_bytes"`
				LeafHash  string `json:"leaf_hash"`
			} `json:"leaves"`
			Roots     []string `json:"roots"`
			Inclusion []struct {
				Index, Size uint64
				Proof       []string
			} `json:"inclusion"`
			Consistency []struct {
				Size1, Size2 uint64
				Proof        []string
			} `json:"consistency"`
			AppHash struct {
				StateRoot string `json:"state_root"`
				LogRoot   string `json:"log_root"`
				LogSize   uint64 `json:"log_size"`
				AppHash   string `json:"app_hash"`
			} `json:"app_hash"`
		}
		if err := json.Unmarshal(read(t, filepath.Join(root, "ledger/testdata", f.file)), &v); err != nil {
			t.Fatal(err)
		}
		for i, e := range v.Events {
			c := eventsCBOR(e.Events)
			if hex.EncodeToString(c) != e.CBOR {
				t.Errorf("%s events[%d] cbor %x != %s", f.file, i, c, e.CBOR)
			}
			if hex.EncodeToString(s.H(c)) != e.EventsHash {
				t.Errorf("%s events[%d] hash", f.file, i)
			}
		}
		lh := logHasher{s}
		var leafHashes [][]byte
		for i, l := range v.Leaves {
			b, err := entryLeaf(s, l.Entry)
			if err != nil {
				t.Fatal(err)
			}
			if hex.EncodeToString(b) != l.LeafBytes {
				t.Errorf("%s leaves[%d] bytes", f.file, i)
			}
			if hex.EncodeToString(lh.HashLeaf(b)) != l.LeafHash {
				t.Errorf("%s leaves[%d] hash", f.file, i)
			}
			leafHashes = append(leafHashes, lh.HashLeaf(b))
		}
		for n, r := range v.Roots {
			if got := hex.EncodeToString(mth(lh, leafHashes[:n])); got != r {
				t.Errorf("%s roots[%d] %s != %s", f.file, n, got, r)
			}
		}
		for i, in := range v.Inclusion {
			p := make([][]byte, len(in.Proof))
			for j, h := range in.Proof {
				p[j] = unhex(t, h)
			}
			if err := proof.VerifyInclusion(lh, in.Index, in.Size, leafHashes[in.Index], p, unhex(t, v.Roots[in.Size])); err != nil {
				t.Errorf("%s inclusion[%d]: %v", f.file, i, err)
			}
		}
		for i, c := range v.Consistency {
			p := make([][]byte, len(c.Proof))
			for j, h := range c.Proof {
				p[j] = unhex(t, h)
			}
			if err := proof.VerifyConsistency(lh, c.Size1, c.Size2, p, unhex(t, v.Roots[c.Size1]), unhex(t, v.Roots[c.Size2])); err != nil {
				t.Errorf("%s consistency[%d]: %v", f.file, i, err)
			}
		}
		a := Anchor{HashSuite: f.suite, StateRoot: v.AppHash.StateRoot, LogRoot: v.AppHash.LogRoot, LogSize: v.AppHash.LogSize, AppHash: v.AppHash.AppHash}
		var sz [8]byte
		for i := 0; i < 8; i++ {
			sz[7-i] = byte(a.LogSize >> (8 * i))
		}
		if got := hex.EncodeToString(s.H([]byte("govchain/apphash/v1"), unhex(t, a.StateRoot), unhex(t, a.LogRoot), sz[:])); got != a.AppHash {
			t.Errorf("%s app_hash %s != %s", f.file, got, a.AppHash)
		}
	}
}

// mth: RFC 6962 Merkle tree hash over leaf hashes.
func mth(lh logHasher, l [][]byte) []byte {
	switch len(l) {
	case 0:
		return lh.EmptyRoot()
	case 1:
		return l[0]
	}
	k := 1
	for k*2 < len(l) {
		k *= 2
	}
	return lh.HashChildren(mth(lh, l[:k]), mth(lh, l[k:]))
}

func TestStoreVectors(t *testing.T) {
	for _, f := range []struct{ file, suite string }{{"vectors.json", "sha256"}, {"vectors-sm3.json", "sm3"}} {
		s, _ := SuiteByName(f.suite)
		var v struct {
			Root   string `json:"root"`
			Proofs []struct {
				Key      string   `json:"key"`
				Value    *string  `json:"value"`
				Siblings []string `json:"siblings"`
				Leaf     *SMTLeaf `json:"leaf"`
				Valid    bool     `json:"valid"`
			} `json:"proofs"`
		}
		if err := json.Unmarshal(read(t, filepath.Join(root, "store/testdata", f.file)), &v); err != nil {
			t.Fatal(err)
		}
		for i, p := range v.Proofs {
			var val []byte
			if p.Value != nil {
				val = []byte(*p.Value)
			}
			err := VerifySMT(s, unhex(t, v.Root), p.Key, val, SMTProof{Siblings: p.Siblings, Leaf: p.Leaf})
			if (err == nil) != p.Valid {
				t.Errorf("DISAGREE %s proofs[%d] key %s: valid=%v, got %v", f.file, i, p.Key, p.Valid, err)
			}
		}
		t.Logf("%s: %d proofs checked", f.file, len(v.Proofs))
	}
}

// ---------- tamper run ----------

// ordered JSON tree
type node struct {
	kind byte // o a s n b z
	keys []string
	vals []*node
	str  string // s: value; n: number text
	b    bool
}

func parse(d *json.Decoder) (*node, error) {
	tok, err := d.Token()
	if err != nil {
		return nil, err
	}
	switch x := tok.(type) {
	case json.Delim:
		n := &node{}
		if x == '{' {
			n.kind = 'o'
			for d.More() {
				k, _ := d.Token()
				v, err := parse(d)
				if err != nil {
					return nil, err
				}
				n.keys = append(n.keys, k.(string))
				n.vals = append(n.vals, v)
			}
		} else {
			n.kind = 'a'
			for d.More() {
				v, err := parse(d)
				if err != nil {
					return nil, err
				}
				n.vals = append(n.vals, v)
			}
		}
		d.Token()
		return n, nil
	case string:
		return &node{kind: 's', str: x}, nil
	case json.Number:
		return &node{kind: 'n', str: x.String()}, nil
	case bool:
		return &node{kind: 'b', b: x}, nil
	case nil:
		return &node{kind: 'z'}, nil
	}
	return nil, fmt.Errorf("token %v", tok)
}

func (n *node) write(buf *bytes.Buffer) {
	switch n.kind {
	case 'o':
		buf.WriteByte('{')
		for i, k := range n.keys {
			if i > 0 {
				buf.WriteByte(',')
			}
			kb, _ := json.Marshal(k)
			buf.Write(kb)
			buf.WriteByte(':')
			n.vals[i].write(buf)
		}
		buf.WriteByte('}')
	case 'a':
		buf.WriteByte('[')
		for i, v := range n.vals {
			if i > 0 {
				buf.WriteByte(',')
			}
			v.write(buf)
		}
		buf.WriteByte(']')
	case 's':
		b, _ := json.Marshal(n.str)
		buf.Write(b)
	case 'n':
		buf.WriteString(n.str)
	case 'b':
		buf.WriteString(strconv.FormatBool(n.b))
	case 'z':
		buf.WriteString("null")
	}
}

func isHex(s string, upper bool) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if !(c >= '0' && c <= '9' || (!upper && c >= 'a' && c <= 'f') || (upper && c >= 'A' && c <= 'F')) {
			return false
		}
	}
	return true
}

// mutate a string into a different value of the same shape.
func mutateString(s string) string {
	if s == "" {
		return "a"
	}
	if v, err := strconv.ParseInt(s, 10, 64); err == nil {
		return strconv.FormatInt(v+1, 10)
	}
	if isHex(s, false) || isHex(s, true) {
		r := []byte(s)
		switch {
		case r[0] == '0':
			r[0] = '1'
		default:
			r[0] = '0'
		}
		return string(r)
	}
	r := []byte(s)
	for i, c := range r {
		switch {
		case c >= '0' && c <= '8', c >= 'a' && c <= 'y', c >= 'A' && c <= 'Y':
			r[i] = c + 1
			return string(r)
		case c == '9':
			r[i] = '0'
			return string(r)
		case c == 'z':
			r[i] = 'a'
			return string(r)
		case c == 'Z':
			r[i] = 'A'
			return string(r)
		}
	}
	return s + "x"
}

type mutation struct {
	path  string
	apply func() (undo func())
}

func collect(n *node, path string, out *[]mutation) {
	switch n.kind {
	case 'o':
		*out = append(*out, mutation{path + ".x_added (added)", func() func() {
			keys, vals := n.keys, n.vals
			n.keys = append(append([]string{}, keys...), "x_added")
			n.vals = append(append([]*node{}, vals...), &node{kind: 'n', str: "1"})
			return func() { n.keys, n.vals = keys, vals }
		}})
		for i := range n.keys {
			i := i
			p := path + "." + n.keys[i]
			*out = append(*out, mutation{p + " (removed)", func() func() {
				keys, vals := n.keys, n.vals
				n.keys = append(append([]string{}, keys[:i]...), keys[i+1:]...)
				n.vals = append(append([]*node{}, vals[:i]...), vals[i+1:]...)
				return func() { n.keys, n.vals = keys, vals }
			}})
			collect(n.vals[i], p, out)
		}
	case 'a':
		for i := range n.vals {
			i := i
			p := fmt.Sprintf("%s[%d]", path, i)
			*out = append(*out, mutation{p + " (removed)", func() func() {
				vals := n.vals
				n.vals = append(append([]*node{}, vals[:i]...), vals[i+1:]...)
				return func() { n.vals = vals }
			}})
			collect(n.vals[i], p, out)
		}
	case 's':
		*out = append(*out, mutation{path, func() func() {
			old := n.str
			n.str = mutateString(old)
			return func() { n.str = old }
		}})
	case 'n':
		*out = append(*out, mutation{path, func() func() {
			old := n.str
			v, _ := strconv.ParseUint(old, 10, 64)
			n.str = strconv.FormatUint(v+1, 10)
			return func() { n.str = old }
		}})
	case 'b':
		*out = append(*out, mutation{path, func() func() {
			n.b = !n.b
			return func() { n.b = !n.b }
		}})
	case 'z':
		*out = append(*out, mutation{path, func() func() {
			n.kind = 's'
			n.str = ""
			return func() { n.kind = 'z'; n.str = "" }
		}})
	}
}

var idx = strings.NewReplacer()

func generalise(p string) string {
	var b strings.Builder
	in := false
	for _, c := range p {
		switch {
		case c == '[':
			in = true
			b.WriteString("[*]")
		case c == ']':
			in = false
		case !in:
			b.WriteRune(c)
		}
	}
	return b.String()
}

func TestTamper(t *testing.T) {
	if testing.Short() {
		t.Skip()
	}
	total, accepted := 0, 0
	acc := map[string]int{}
	for _, s := range sets {
		tr := trustFor(t, filepath.Join(s.dir, "genesis.json"), s.suite)
		for _, o := range originals {
			p := filepath.Join(vt, s.dir, o.file)
			d := json.NewDecoder(bytes.NewReader(read(t, p)))
			d.UseNumber()
			tree, err := parse(d)
			if err != nil {
				t.Fatal(err)
			}
			var ms []mutation
			collect(tree, "", &ms)
			for _, m := range ms {
				undo := m.apply()
				var buf bytes.Buffer
				tree.write(&buf)
				undo()
				total++
				if _, err := Verify(o.kind, tr, buf.Bytes()); err == nil {
					accepted++
					acc[o.kind+" "+generalise(m.path)]++
					t.Logf("accepted: %s/%s %s", s.dir, o.file, m.path)
				}
			}
		}
	}
	var keys []string
	for k := range acc {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	t.Logf("tamper: %d files, %d accepted", total, accepted)
	for _, k := range keys {
		t.Logf("  accepted %4d x %s", acc[k], k)
	}
}

// A proposer that is not in the set at all: a fresh key with any power.
func TestProposerOutsideSet(t *testing.T) {
	tr := trustFor(t, "genesis.json", "sha256")
	var m map[string]any
	d := json.NewDecoder(bytes.NewReader(read(t, filepath.Join(vt, "receipt.json"))))
	d.UseNumber()
	if err := d.Decode(&m); err != nil {
		t.Fatal(err)
	}
	pk := ed25519.GenPrivKey().PubKey()
	hs := m["anchor"].(map[string]any)["headers"].([]any)
	vs := hs[len(hs)-1].(map[string]any)["validator_set"].(map[string]any)
	prop := vs["proposer"].(map[string]any)
	prop["address"] = pk.Address().String()
	prop["pub_key"] = map[string]any{"type": "tendermint/PubKeyEd25519", "value": base64.StdEncoding.EncodeToString(pk.Bytes())}
	prop["voting_power"] = "999"
	// re-serialise in the file's member order via the ordered tree
	b := read(t, filepath.Join(vt, "receipt.json"))
	d2 := json.NewDecoder(bytes.NewReader(b))
	d2.UseNumber()
	tree, _ := parse(d2)
	lb := tree.get("anchor").get("headers").vals
	pn := lb[len(lb)-1].get("validator_set").get("proposer")
	pn.get("address").str = pk.Address().String()
	pn.get("pub_key").get("value").str = base64.StdEncoding.EncodeToString(pk.Bytes())
	pn.get("voting_power").str = "999"
	var buf bytes.Buffer
	tree.write(&buf)
	_, err := Verify("receipt", tr, buf.Bytes())
	t.Logf("proposer replaced by a validator outside the set (power 999): err=%v", err)
}

func (n *node) get(k string) *node {
	for i, kk := range n.keys {
		if kk == k {
			return n.vals[i]
		}
	}
	return nil
}
