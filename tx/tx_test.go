package tx

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/emmansun/gmsm/sm3"

	"github.com/govchain/govchain/codec"
	"github.com/govchain/govchain/crypto"
)

var update = flag.Bool("update", false, "rewrite testdata/vectors.json")

type demoBody struct {
	Name string `cbor:"1,keyasint"`
}

func testKey(t testing.TB, b byte) *crypto.PrivateKey {
	k, err := crypto.KeyFromSeed(crypto.AlgEd25519, bytes.Repeat([]byte{b}, 32))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func signed(t testing.TB, chain string, seq uint64, memo string) []byte {
	k := testKey(t, 1)
	m, err := NewMsg("identity.create_account", demoBody{Name: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	tx := &Tx{Body: Body{ChainID: chain, Signer: k.Address(), Sequence: seq, Msgs: []Msg{m}, Memo: memo}}
	raw, err := Sign(tx, k)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// Vector is one known-answer case in testdata/vectors.json (docs/proofs.md
// describes the format for independent implementations).
type Vector struct {
	Name      string `json:"name"`
	Seed      string `json:"seed_hex,omitempty"`
	ChainID   string `json:"chain_id"`
	SignBytes string `json:"sign_bytes_hex,omitempty"`
	TxBytes   string `json:"tx_hex"`
	TxHash    string `json:"tx_hash_hex,omitempty"`
	TxHashSM3 string `json:"tx_hash_sm3_hex,omitempty"` // the tx id on chains with the sm3 hash suite
	Valid     bool   `json:"valid"`
	Error     string `json:"error,omitempty"`
}

func mutate(raw []byte, f func([]byte)) string {
	c := append([]byte{}, raw...)
	f(c)
	return hex.EncodeToString(c)
}

func buildVectors(t *testing.T) []Vector {
	good := signed(t, "govchain-dev", 7, "hello")
	var tx Tx
	if err := codec.Unmarshal(good, &tx); err != nil {
		t.Fatal(err)
	}
	sb, _ := SignBytes(&tx.Body)
	h := Hash(good)
	h3 := sm3.Sum(good)
	vs := []Vector{{Name: "valid ed25519 tx", Seed: strings.Repeat("01", 32), ChainID: "govchain-dev",
		SignBytes: hex.EncodeToString(sb), TxBytes: hex.EncodeToString(good), TxHash: hex.EncodeToString(h[:]),
		TxHashSM3: hex.EncodeToString(h3[:]), Valid: true}}
	bad := func(name, txhex, chain string, want error) {
		vs = append(vs, Vector{Name: name, ChainID: chain, TxBytes: txhex, Error: errName(want)})
	}
	bad("wrong chain-id", hex.EncodeToString(good), "govchain-other", ErrWrongChain)
	bad("flipped signature byte", mutate(good, func(b []byte) { b[len(b)-1] ^= 1 }), "govchain-dev", ErrSignature)
	bad("truncated", hex.EncodeToString(good[:len(good)-3]), "govchain-dev", ErrMalformed)
	bad("garbage", "deadbeef", "govchain-dev", ErrMalformed)
	bad("trailing byte", hex.EncodeToString(append(append([]byte{}, good...), 0)), "govchain-dev", ErrMalformed)
	// A non-canonical sequence number: 7 written as a one-byte-argument integer.
	nc := bytes.Replace(good, []byte{0x03, 0x07}, []byte{0x03, 0x18, 0x07}, 1)
	bad("non-canonical integer", hex.EncodeToString(nc), "govchain-dev", ErrMalformed)
	return vs
}

func errName(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, ErrWrongChain):
		return "wrong_chain"
	case errors.Is(err, ErrSignature):
		return "signature"
	case errors.Is(err, ErrTooLarge):
		return "too_large"
	case errors.Is(err, ErrMalformed):
		return "malformed"
	}
	return "other: " + err.Error()
}

func TestVectors(t *testing.T) {
	const path = "testdata/vectors.json"
	if *update {
		b, _ := json.MarshalIndent(buildVectors(t), "", "  ")
		if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var vs []Vector
	if err := json.Unmarshal(b, &vs); err != nil {
		t.Fatal(err)
	}
	if len(vs) < 5 {
		t.Fatalf("only %d vectors", len(vs))
	}
	for _, v := range vs {
		raw, _ := hex.DecodeString(v.TxBytes)
		tx, err := DecodeVerify(raw, v.ChainID)
		if got := errName(err); got != v.Error || (err == nil) != v.Valid {
			t.Errorf("%s: error %q, want %q", v.Name, got, v.Error)
			continue
		}
		if !v.Valid {
			continue
		}
		h := Hash(raw)
		if hex.EncodeToString(h[:]) != v.TxHash {
			t.Errorf("%s: hash %x, want %s", v.Name, h, v.TxHash)
		}
		if h3 := sm3.Sum(raw); hex.EncodeToString(h3[:]) != v.TxHashSM3 {
			t.Errorf("%s: sm3 id %x, want %s", v.Name, h3, v.TxHashSM3)
		}
		sb, _ := SignBytes(&tx.Body)
		if hex.EncodeToString(sb) != v.SignBytes {
			t.Errorf("%s: sign bytes differ", v.Name)
		}
		seed, _ := hex.DecodeString(v.Seed)
		k, _ := crypto.KeyFromSeed(crypto.AlgEd25519, seed)
		if !bytes.Equal(k.PublicKey(), tx.Signature.PublicKey) || k.Address() != tx.Body.Signer {
			t.Errorf("%s: key or signer differs from the seed", v.Name)
		}
	}
}

func TestStatelessRejections(t *testing.T) {
	k := testKey(t, 2)
	m, _ := NewMsg("identity.x", demoBody{Name: "a"})
	base := func() *Tx {
		return &Tx{Body: Body{ChainID: "c", Signer: k.Address(), Msgs: []Msg{m}}}
	}
	cases := []struct {
		name string
		edit func(*Tx)
		want error
	}{
		{"no chain-id", func(t *Tx) { t.Body.ChainID = "" }, ErrMalformed},
		{"long chain-id", func(t *Tx) { t.Body.ChainID = strings.Repeat("c", MaxChainID+1) }, ErrMalformed},
		{"bad signer", func(t *Tx) { t.Body.Signer = "alice" }, ErrMalformed},
		{"no msgs", func(t *Tx) { t.Body.Msgs = nil }, ErrMalformed},
		{"too many msgs", func(t *Tx) {
			for i := 0; i < MaxMsgs; i++ {
				t.Body.Msgs = append(t.Body.Msgs, m)
			}
		}, ErrTooLarge},
		{"long memo", func(t *Tx) { t.Body.Memo = strings.Repeat("m", MaxMemo+1) }, ErrTooLarge},
		{"empty type", func(t *Tx) { t.Body.Msgs = []Msg{{Type: "", Body: m.Body}} }, ErrMalformed},
		{"long type", func(t *Tx) { t.Body.Msgs = []Msg{{Type: strings.Repeat("t", MaxMsgType+1), Body: m.Body}} }, ErrMalformed},
		{"empty body", func(t *Tx) { t.Body.Msgs = []Msg{{Type: "x.y"}} }, ErrMalformed},
		{"huge body", func(t *Tx) {
			big, _ := codec.Marshal(demoBody{Name: strings.Repeat("x", MaxMsgBody)})
			t.Body.Msgs = []Msg{{Type: "x.y", Body: big}}
		}, ErrTooLarge},
	}
	for _, c := range cases {
		tx := base()
		c.edit(tx)
		if _, err := Sign(tx, k); !errors.Is(err, c.want) {
			t.Errorf("%s: Sign: got %v, want %v", c.name, err, c.want)
		}
		// The same envelope, encoded and signed by hand, is refused by Decode.
		sb, err := SignBytes(&tx.Body)
		if err == nil {
			tx.Signature = Signature{Algorithm: k.Algorithm, PublicKey: k.PublicKey(), Sig: k.Sign(sb)}
		}
		raw, _ := codec.Marshal(tx)
		if _, err := DecodeVerify(raw, tx.Body.ChainID); err == nil {
			t.Errorf("%s: Decode accepted it", c.name)
		}
	}
	// Oversize whole tx.
	if _, err := Decode(make([]byte, MaxTxBytes+1)); !errors.Is(err, ErrTooLarge) {
		t.Errorf("oversize: %v", err)
	}
	// Signature by a key other than the one carried.
	tx := base()
	raw, _ := Sign(tx, k)
	other := testKey(t, 3)
	tx.Signature.PublicKey = other.PublicKey()
	raw, _ = codec.Marshal(tx)
	if _, err := DecodeVerify(raw, "c"); !errors.Is(err, ErrSignature) {
		t.Errorf("swapped key: %v", err)
	}
	tx.Signature.Algorithm = "rsa"
	raw, _ = codec.Marshal(tx)
	if _, err := DecodeVerify(raw, "c"); !errors.Is(err, ErrSignature) {
		t.Errorf("unknown algorithm: %v", err)
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(signed(f, "govchain-dev", 0, ""))
	f.Add(signed(f, "govchain-dev", 1<<40, "memo"))
	f.Add([]byte{0xa0})
	f.Fuzz(func(t *testing.T, raw []byte) {
		tx, err := DecodeVerify(raw, "govchain-dev")
		if err != nil {
			return
		}
		again, err := codec.Marshal(tx)
		if err != nil || !bytes.Equal(again, raw) {
			t.Fatalf("accepted bytes that do not re-encode to themselves")
		}
	})
}

func BenchmarkDecodeVerify(b *testing.B) {
	raw := signed(b, "govchain-dev", 9, "bench")
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := DecodeVerify(raw, "govchain-dev"); err != nil {
			b.Fatal(err)
		}
	}
}
