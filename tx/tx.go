// Package tx defines govchain's signed transaction envelope: its canonical
// CBOR form, its signing bytes, its limits and its hash.
//
// A transaction has exactly one byte form (see package codec), so its hash
// identifies it: H(bytes) under the chain's hash suite (SHA-256, the hash
// CometBFT uses too, or SM3; see crypto.Suite). This
// package checks everything that can be checked without state: form, sizes,
// chain-id and signature. Sequence numbers and account keys are checked by
// the application against state.
//
// It imports only codec and crypto.
package tx

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/govchain/govchain/codec"
	"github.com/govchain/govchain/crypto"
)

// Limits. A transaction beyond any of them can never execute and is refused
// before it reaches the mempool.
const (
	MaxTxBytes     = 64 << 10
	MaxMsgs        = 16
	MaxMsgBody     = 32 << 10
	MaxMemo        = 256
	MaxChainID     = 50
	MaxMsgType     = 64
	signDomain     = "govchain/tx/v1"
	MaxChainIDByte = 255 // the chain-id length travels in one byte in the signing bytes
)

// Errors returned by Decode and Verify; the application maps each to a
// stable result code.
var (
	ErrTooLarge   = errors.New("tx: too large")
	ErrMalformed  = errors.New("tx: malformed")
	ErrWrongChain = errors.New("tx: wrong chain-id")
	ErrSignature  = errors.New("tx: invalid signature")
)

// Msg is one message: its type ("identity.create_account") and its canonical
// CBOR body, which the owning module decodes.
type Msg struct {
	Type string           `cbor:"1,keyasint" json:"type"`
	Body codec.RawMessage `cbor:"2,keyasint" json:"-"`
}

// Body is everything a signature covers.
type Body struct {
	ChainID  string `cbor:"1,keyasint" json:"chain_id"`
	Signer   string `cbor:"2,keyasint" json:"signer"`
	Sequence uint64 `cbor:"3,keyasint,omitempty" json:"sequence"`
	Msgs     []Msg  `cbor:"4,keyasint" json:"msgs"`
	Memo     string `cbor:"5,keyasint,omitempty" json:"memo,omitempty"`
}

// Signature is a signature with the algorithm and public key that made it.
type Signature struct {
	Algorithm string `cbor:"1,keyasint" json:"algorithm"`
	PublicKey []byte `cbor:"2,keyasint" json:"public_key"`
	Sig       []byte `cbor:"3,keyasint" json:"signature"`
}

// Tx is the signed envelope.
type Tx struct {
	Body      Body      `cbor:"1,keyasint" json:"body"`
	Signature Signature `cbor:"2,keyasint" json:"signature"`
}

// Hash is the transaction id on SHA-256 chains: SHA-256 of its canonical
// bytes (the application uses its suite's hash: app.TxHash).
func Hash(raw []byte) [32]byte { return sha256.Sum256(raw) }

// SignBytes returns what is signed:
// "govchain/tx/v1" || len(chain-id) (one byte) || chain-id || canonical(body).
func SignBytes(b *Body) ([]byte, error) {
	if len(b.ChainID) > MaxChainIDByte {
		return nil, fmt.Errorf("%w: chain-id longer than %d bytes", ErrMalformed, MaxChainIDByte)
	}
	enc, err := codec.Marshal(b)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	out := make([]byte, 0, len(signDomain)+1+len(b.ChainID)+len(enc))
	out = append(out, signDomain...)
	out = append(out, byte(len(b.ChainID)))
	out = append(out, b.ChainID...)
	return append(out, enc...), nil
}

// NewMsg encodes a module message body.
func NewMsg(typ string, body any) (Msg, error) {
	b, err := codec.Marshal(body)
	if err != nil {
		return Msg{}, err
	}
	return Msg{Type: typ, Body: b}, nil
}

// Sign fills in the signature and returns the canonical bytes.
func Sign(t *Tx, key *crypto.PrivateKey) ([]byte, error) {
	sb, err := SignBytes(&t.Body)
	if err != nil {
		return nil, err
	}
	t.Signature = Signature{Algorithm: key.Algorithm, PublicKey: key.PublicKey(), Sig: key.Sign(sb)}
	raw, err := codec.Marshal(t)
	if err != nil {
		return nil, err
	}
	if err := t.CheckBasic(); err != nil {
		return nil, err
	}
	if len(raw) > MaxTxBytes {
		return nil, fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, len(raw), MaxTxBytes)
	}
	return raw, nil
}

// Decode parses canonical transaction bytes and checks the stateless rules
// (sizes, field forms). It does not check the signature.
func Decode(raw []byte) (*Tx, error) {
	if len(raw) > MaxTxBytes {
		return nil, fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, len(raw), MaxTxBytes)
	}
	var t Tx
	if err := codec.Unmarshal(raw, &t); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if err := t.CheckBasic(); err != nil {
		return nil, err
	}
	return &t, nil
}

// CheckBasic checks field sizes and forms.
func (t *Tx) CheckBasic() error {
	b := &t.Body
	switch {
	case b.ChainID == "" || len(b.ChainID) > MaxChainID:
		return fmt.Errorf("%w: chain-id must be 1 to %d bytes", ErrMalformed, MaxChainID)
	case !crypto.ValidAddress(b.Signer):
		return fmt.Errorf("%w: signer is not an address (40 lowercase hex digits)", ErrMalformed)
	case len(b.Msgs) == 0:
		return fmt.Errorf("%w: no messages", ErrMalformed)
	case len(b.Msgs) > MaxMsgs:
		return fmt.Errorf("%w: %d messages, limit %d", ErrTooLarge, len(b.Msgs), MaxMsgs)
	case len(b.Memo) > MaxMemo:
		return fmt.Errorf("%w: memo of %d bytes, limit %d", ErrTooLarge, len(b.Memo), MaxMemo)
	case !utf8.ValidString(b.Memo) || !utf8.ValidString(b.ChainID):
		return fmt.Errorf("%w: text is not UTF-8", ErrMalformed)
	}
	for i, m := range b.Msgs {
		if m.Type == "" || len(m.Type) > MaxMsgType {
			return fmt.Errorf("%w: message %d: type must be 1 to %d bytes", ErrMalformed, i, MaxMsgType)
		}
		if len(m.Body) == 0 || m.Body[0]>>5 != 5 {
			return fmt.Errorf("%w: message %d: body must be a CBOR map", ErrMalformed, i)
		}
		if len(m.Body) > MaxMsgBody {
			return fmt.Errorf("%w: message %d body of %d bytes, limit %d", ErrTooLarge, i, len(m.Body), MaxMsgBody)
		}
	}
	if err := crypto.CheckPublicKey(t.Signature.Algorithm, t.Signature.PublicKey); err != nil {
		return fmt.Errorf("%w: %v", ErrSignature, err)
	}
	return nil
}

// Verify checks the chain-id and the signature (against the public key the
// tx carries; the application checks that key belongs to the signer).
func (t *Tx) Verify(chainID string) error {
	if t.Body.ChainID != chainID {
		return fmt.Errorf("%w: tx is for %q, this chain is %q", ErrWrongChain, t.Body.ChainID, chainID)
	}
	sb, err := SignBytes(&t.Body)
	if err != nil {
		return err
	}
	if err := crypto.Verify(t.Signature.Algorithm, t.Signature.PublicKey, sb, t.Signature.Sig); err != nil {
		return fmt.Errorf("%w: %v", ErrSignature, err)
	}
	return nil
}

// DecodeVerify is Decode followed by Verify.
func DecodeVerify(raw []byte, chainID string) (*Tx, error) {
	t, err := Decode(raw)
	if err != nil {
		return nil, err
	}
	return t, t.Verify(chainID)
}
