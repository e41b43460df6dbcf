// Package codec is govchain's one canonical binary encoding: deterministic
// CBOR (RFC 8949 section 4.2.1, core deterministic encoding) through
// github.com/fxamacker/cbor/v2.
//
// Unmarshal accepts only bytes that re-encode to exactly themselves, so every
// value has one byte form and therefore one hash. Transactions, message
// bodies, state records and log leaves all go through this package.
//
// It must not import anything of govchain's own.
package codec

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/fxamacker/cbor/v2"
)

// ErrNonCanonical reports input that decodes but is not in canonical form
// (unsorted or duplicate keys, non-shortest integers, unknown or explicit
// zero-valued fields, indefinite lengths, tags...).
var ErrNonCanonical = errors.New("codec: input is not canonical CBOR")

// RawMessage is an encoded CBOR value kept as bytes (a message body inside an
// envelope). Its canonical form is checked when it is itself decoded.
type RawMessage = cbor.RawMessage

var (
	encMode cbor.EncMode
	decMode cbor.DecMode
)

func init() {
	var err error
	encMode, err = cbor.CoreDetEncOptions().EncMode()
	if err != nil {
		panic(err)
	}
	decMode, err = cbor.DecOptions{
		DupMapKey:         cbor.DupMapKeyEnforcedAPF,
		IndefLength:       cbor.IndefLengthForbidden,
		TagsMd:            cbor.TagsForbidden,
		ExtraReturnErrors: cbor.ExtraDecErrorUnknownField,
		MaxNestedLevels:   16,
		MaxArrayElements:  65536,
		MaxMapPairs:       4096,
		UTF8:              cbor.UTF8RejectInvalid,
	}.DecMode()
	if err != nil {
		panic(err)
	}
}

// Marshal returns the canonical encoding of v.
func Marshal(v any) ([]byte, error) {
	return encMode.Marshal(v)
}

// MustMarshal is Marshal for values whose types cannot fail to encode
// (structs of strings, integers, byte slices). It panics otherwise, which is
// a programming error, never an input error.
func MustMarshal(v any) []byte {
	b, err := encMode.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("codec: encoding %T: %v", v, err))
	}
	return b
}

// Unmarshal decodes data into v and rejects it unless re-encoding v gives
// back exactly data.
func Unmarshal(data []byte, v any) error {
	if err := decMode.Unmarshal(data, v); err != nil {
		return fmt.Errorf("codec: %w", err)
	}
	again, err := encMode.Marshal(v)
	if err != nil {
		return fmt.Errorf("codec: re-encoding: %w", err)
	}
	if !bytes.Equal(again, data) {
		return ErrNonCanonical
	}
	return nil
}
