package evoting

import (
	"bytes"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"testing"

	"github.com/gtank/ristretto255"
)

var updateSpec = flag.Bool("update-spec", false, "regenerate testdata/spec-vectors.json from testdata/record.json")

// SpecVector is one rule of docs/evoting.md with its inputs and outputs
// in hex, computed from testdata/record.json, so that an independent
// verifier can check each rule byte for byte.
type SpecVector struct {
	Rule   string            `json:"rule"`
	Inputs map[string]string `json:"inputs"`
	// Transcript is the exact byte string hashed with SHA-512 (hex), Digest
	// its SHA-512, Challenge the scalar (32 bytes little-endian, hex).
	Transcript string `json:"transcript,omitempty"`
	Digest     string `json:"digest,omitempty"`
	Challenge  string `json:"challenge,omitempty"`
	Output     string `json:"output,omitempty"`
}

func hx(b []byte) string { return hex.EncodeToString(b) }

func transcriptVector(rule string, t *transcript, inputs map[string]string) SpecVector {
	d := sha512.Sum512(t.h)
	return SpecVector{Rule: rule, Inputs: inputs, Transcript: hx(t.h), Digest: hx(d[:]), Challenge: hx(t.challenge().Encode(nil))}
}

func specVectors(t testing.TB, r *Record) []SpecVector {
	m := &r.Manifest
	mj, _ := json.Marshal(m)
	mh := m.Hash()
	var out []SpecVector
	out = append(out, SpecVector{Rule: "manifest hash", Inputs: map[string]string{"manifest_json_utf8": string(mj)}, Output: hx(mh[:])})

	// pok: trustee 1, coefficient 0.
	c := r.Commitments[0]
	p := c.Proofs[0]
	R := ristretto255.NewElement().VarTimeDoubleScalarBaseMult(ristretto255.NewScalar().Negate(p.C), c.Coeffs[0], p.Z)
	tr := pokTranscript(Context{Manifest: mh, Label: "ceremony"}, c.Index, 0, c.Coeffs[0], R)
	v := transcriptVector("pok (trustee 1, coefficient 0)", tr, map[string]string{"label": "ceremony", "index": "1", "j": "0",
		"C": hx(c.Coeffs[0].Encode(nil)), "R = g^z C^-c": hx(R.Encode(nil)), "proof.C": hx(p.C.Encode(nil)), "proof.Z": hx(p.Z.Encode(nil))})
	if v.Challenge != hx(p.C.Encode(nil)) {
		t.Fatal("pok vector: challenge is not the proof's")
	}
	out = append(out, v)

	// range: ballot 0, contest 0, option 0 (L = 1) and its limit proof.
	b := r.Ballots[0]
	K := r.JointKey
	rangeVec := func(rule, label string, ct Ciphertext, L uint64, rp *RangeProof) SpecVector {
		tr := rangeTranscript(Context{Manifest: mh, Label: label}, K, ct, L)
		in := map[string]string{"label": label, "L": fmt.Sprint(L), "K": hx(K.Encode(nil)), "A": hx(ct.A.Encode(nil)), "B": hx(ct.B.Encode(nil))}
		bjs := shifted(ct.B, L)
		sum := ristretto255.NewScalar().Zero()
		for j := uint64(0); j <= L; j++ {
			a, bb := branch(K, ct, bjs[j], rp.C[j], rp.Z[j])
			tr.point(a, bb)
			in[fmt.Sprintf("c_%d", j)], in[fmt.Sprintf("z_%d", j)] = hx(rp.C[j].Encode(nil)), hx(rp.Z[j].Encode(nil))
			in[fmt.Sprintf("a_%d", j)], in[fmt.Sprintf("b_%d", j)] = hx(a.Encode(nil)), hx(bb.Encode(nil))
			sum = ristretto255.NewScalar().Add(sum, rp.C[j])
		}
		v := transcriptVector(rule, tr, in)
		if v.Challenge != hx(sum.Encode(nil)) {
			t.Fatalf("%s: challenge is not the sum of c_j", rule)
		}
		return v
	}
	bc := b.Contests[0]
	out = append(out, rangeVec("range (ballot b0, contest mayor, option 0, L = 1)", selectionLabel(b.ID, bc.ContestID, 0), bc.Selections[0].Ciphertext, 1, bc.Selections[0].Proof))
	sum := Zero()
	for _, s := range bc.Selections {
		sum = sum.Add(s.Ciphertext)
	}
	out = append(out, rangeVec("range limit (ballot b0, contest mayor, L = limit 1)", contestLabel(b.ID, bc.ContestID), sum, uint64(m.Contests[0].Limit), bc.LimitProof))

	// dleq: tally of contest 0 option 0, first partial.
	ot := r.Tally[0].Options[0]
	pd := ot.Partials[0]
	Kl := VerificationKey(r.Commitments, pd.Trustee)
	label := fmt.Sprintf("decrypt/%s/%d/%d", m.Contests[0].ID, 0, pd.Trustee)
	negc := ristretto255.NewScalar().Negate(pd.Proof.C)
	a := ristretto255.NewElement().VarTimeDoubleScalarBaseMult(negc, Kl, pd.Proof.Z)
	bb := ristretto255.NewElement().VarTimeMultiScalarMult([]*Scalar{pd.Proof.Z, negc}, []*Point{ot.Ciphertext.A, pd.Share})
	v = transcriptVector("dleq (tally mayor option 0, trustee 1)", dleqTranscript(Context{Manifest: mh, Label: label}, Kl, ot.Ciphertext.A, pd.Share, a, bb),
		map[string]string{"label": label, "K_l": hx(Kl.Encode(nil)), "A": hx(ot.Ciphertext.A.Encode(nil)), "D": hx(pd.Share.Encode(nil)),
			"a = g^z K_l^-c": hx(a.Encode(nil)), "b = A^z D^-c": hx(bb.Encode(nil)), "proof.C": hx(pd.Proof.C.Encode(nil)), "proof.Z": hx(pd.Proof.Z.Encode(nil))})
	if v.Challenge != hx(pd.Proof.C.Encode(nil)) {
		t.Fatal("dleq vector: challenge is not the proof's")
	}
	out = append(out, v)

	// The ballot hash and tracking codes of ballots 0 and 1.
	for i := 0; i < 2; i++ {
		b := r.Ballots[i]
		h := b.contentHash()
		var pre bytes.Buffer
		pre.WriteString("govchain/evoting/v1/ballot")
		pre.Write([]byte{0, 0, 0, byte(len(b.ID))})
		pre.WriteString(b.ID)
		for _, c := range b.Contests {
			pre.Write([]byte{0, 0, 0, byte(len(c.ContestID))})
			pre.WriteString(c.ContestID)
			for _, s := range c.Selections {
				pre.Write(s.Ciphertext.Encode())
			}
		}
		if sha256.Sum256(pre.Bytes()) != h {
			t.Fatal("ballot hash vector: preimage")
		}
		out = append(out, SpecVector{Rule: fmt.Sprintf("ballot hash (ballot %s)", b.ID), Inputs: map[string]string{"preimage": hx(pre.Bytes())}, Output: hx(h[:])})
		code := TrackingCode(b.PrevCode, b)
		out = append(out, SpecVector{Rule: fmt.Sprintf("tracking code (ballot %s)", b.ID), Inputs: map[string]string{"prev_code": hx(b.PrevCode), "ballot_hash": hx(h[:]),
			"preimage": hx(append(append([]byte("govchain/evoting/v1/code"), b.PrevCode...), h[:]...))}, Output: hx(code)})
	}
	return out
}

// testdata/spec-vectors.json holds one vector per rule of docs/evoting.md,
// computed from testdata/record.json; this test recomputes them.
func TestSpecVectors(t *testing.T) {
	raw, err := os.ReadFile("testdata/record.json")
	if err != nil {
		t.Fatal(err)
	}
	r, err := LoadRecord(raw)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := json.MarshalIndent(specVectors(t, r), "", " ")
	got = append(got, '\n')
	if *updateSpec {
		if err := os.WriteFile("testdata/spec-vectors.json", got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile("testdata/spec-vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("testdata/spec-vectors.json is stale: go test ./evoting -run TestSpecVectors -update-spec")
	}
}
