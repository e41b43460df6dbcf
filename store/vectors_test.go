package store

import (
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"testing"

	"github.com/emmansun/gmsm/sm3"
)

var update = flag.Bool("update", false, "rewrite testdata/vectors.json")

// VectorFile is testdata/vectors.json: a tree and proofs an independent
// verifier must accept (and tampered ones it must reject). docs/proofs.md.
type VectorFile struct {
	Comment string            `json:"comment"`
	Entries map[string]string `json:"entries"` // key -> value (text)
	Root    string            `json:"root"`
	Proofs  []ProofVector     `json:"proofs"`
}

// ProofVector is one proof case.
type ProofVector struct {
	Key      string   `json:"key"`
	Value    *string  `json:"value"` // null: proves absence
	Siblings []string `json:"siblings"`
	Leaf     *struct {
		KeyHash   string `json:"key_hash"`
		ValueHash string `json:"value_hash"`
	} `json:"leaf"`
	Valid bool `json:"valid"`
}

func hx(h Hash) string { return hex.EncodeToString(h[:]) }

func TestVectors(t *testing.T) {
	t.Run("sha256", func(t *testing.T) { testVectors(t, "testdata/vectors.json", SHA256) })
	t.Run("sm3", func(t *testing.T) { testVectors(t, "testdata/vectors-sm3.json", NewHasher("sm3", sm3.Sum)) })
}

func testVectors(t *testing.T, path string, h Hasher) {
	if *update {
		db := openDB(t)
		tr := NewTreeWithHasher(db, h)
		entries := map[string]string{}
		var chs []Change
		for i := 0; i < 8; i++ {
			k, v := fmt.Sprintf("identity/acct/%d", i), fmt.Sprintf("value-%d", i)
			entries[k] = v
			chs = append(chs, Change{Key: []byte(k), Value: []byte(v)})
		}
		root := applyVersion(t, db, tr, 0, chs)
		vf := VectorFile{Comment: "sparse Merkle tree of docs/proofs.md with H = " + h.Name + ": key hash H(key), leaf H(0x00||kh||vh), node H(0x01||l||r), empty 32 zero bytes",
			Entries: entries, Root: hx(root)}
		add := func(key string, valid bool, tamper func(*ProofVector)) {
			p, v, err := tr.Prove([]byte(key), 0)
			if err != nil {
				t.Fatal(err)
			}
			pv := ProofVector{Key: key, Valid: valid}
			if v != nil {
				s := string(v)
				pv.Value = &s
			}
			for _, s := range p.Siblings {
				pv.Siblings = append(pv.Siblings, hx(s))
			}
			if p.Leaf != nil {
				pv.Leaf = &struct {
					KeyHash   string `json:"key_hash"`
					ValueHash string `json:"value_hash"`
				}{hx(p.Leaf.KeyHash), hx(p.Leaf.ValueHash)}
			}
			if tamper != nil {
				tamper(&pv)
			}
			vf.Proofs = append(vf.Proofs, pv)
		}
		add("identity/acct/3", true, nil)
		add("identity/acct/7", true, nil)
		add("identity/acct/99", true, nil) // absent
		add("no/such/key", true, nil)      // absent
		add("identity/acct/3", false, func(p *ProofVector) { s := "value-4"; p.Value = &s })
		add("identity/acct/3", false, func(p *ProofVector) { p.Siblings[0] = hx(Hash{1}) })
		add("identity/acct/99", false, func(p *ProofVector) { s := "value-99"; p.Value = &s })
		b, _ := json.MarshalIndent(vf, "", "  ")
		if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var vf VectorFile
	if err := json.Unmarshal(b, &vf); err != nil {
		t.Fatal(err)
	}
	// The root follows from the entries by the reference definition.
	ref := refTree{}
	for k, v := range vf.Entries {
		ref[k] = []byte(v)
	}
	if hx(refRoot(h, ref.leaves(h), 0)) != vf.Root {
		t.Fatal("root does not match the entries")
	}
	var root Hash
	rb, _ := hex.DecodeString(vf.Root)
	copy(root[:], rb)
	if len(vf.Proofs) < 5 {
		t.Fatal("too few proof vectors")
	}
	for i, pv := range vf.Proofs {
		p := &Proof{}
		for _, s := range pv.Siblings {
			var h Hash
			b, _ := hex.DecodeString(s)
			copy(h[:], b)
			p.Siblings = append(p.Siblings, h)
		}
		if pv.Leaf != nil {
			var k, v Hash
			kb, _ := hex.DecodeString(pv.Leaf.KeyHash)
			vb, _ := hex.DecodeString(pv.Leaf.ValueHash)
			copy(k[:], kb)
			copy(v[:], vb)
			p.Leaf = &ProofLeaf{KeyHash: k, ValueHash: v}
		}
		var err error
		if pv.Value != nil {
			err = h.VerifyMembership(root, []byte(pv.Key), []byte(*pv.Value), p)
		} else {
			err = h.VerifyNonMembership(root, []byte(pv.Key), p)
		}
		if (err == nil) != pv.Valid {
			t.Errorf("vector %d (%s): err %v, valid %v", i, pv.Key, err, pv.Valid)
		}
	}
}
