package codec

import (
	"errors"
	"testing"
)

type sample struct {
	A string `cbor:"1,keyasint"`
	B uint64 `cbor:"2,keyasint,omitempty"`
	C []byte `cbor:"3,keyasint,omitempty"`
}

func TestRoundTripAndRejections(t *testing.T) {
	good := MustMarshal(sample{A: "x", B: 5})
	var s sample
	if err := Unmarshal(good, &s); err != nil || s.A != "x" || s.B != 5 {
		t.Fatalf("good input: %v %+v", err, s)
	}
	cases := map[string][]byte{
		"unsorted keys":        {0xa2, 0x02, 0x05, 0x01, 0x61, 'x'},
		"non-shortest int":     {0xa2, 0x01, 0x61, 'x', 0x02, 0x18, 0x05},
		"explicit zero field":  {0xa2, 0x01, 0x61, 'x', 0x02, 0x00},
		"duplicate key":        {0xa2, 0x01, 0x61, 'x', 0x01, 0x61, 'y'},
		"unknown field":        {0xa2, 0x01, 0x61, 'x', 0x09, 0x01},
		"indefinite map":       {0xbf, 0x01, 0x61, 'x', 0xff},
		"tag":                  {0xc1, 0xa1, 0x01, 0x61, 'x'},
		"truncated":            good[:len(good)-1],
		"trailing byte":        append(append([]byte{}, good...), 0x00),
		"invalid utf8":         {0xa1, 0x01, 0x61, 0xff},
		"wrong type for field": {0xa1, 0x01, 0x05},
		"empty":                {},
	}
	for name, in := range cases {
		var s sample
		if err := Unmarshal(in, &s); err == nil {
			t.Errorf("%s: accepted %x", name, in)
		}
	}
	var s2 sample
	if err := Unmarshal([]byte{0xa2, 0x02, 0x05, 0x01, 0x61, 'x'}, &s2); !errors.Is(err, ErrNonCanonical) {
		t.Errorf("unsorted keys: want ErrNonCanonical, got %v", err)
	}
}

func FuzzUnmarshal(f *testing.F) {
	f.Add(MustMarshal(sample{A: "x", B: 5, C: []byte{1}}))
	f.Add([]byte{0xa2, 0x02, 0x05, 0x01, 0x61, 'x'})
	f.Fuzz(func(t *testing.T, data []byte) {
		var s sample
		if err := Unmarshal(data, &s); err != nil {
			return
		}
		if string(MustMarshal(s)) != string(data) {
			t.Fatalf("accepted non-canonical %x", data)
		}
	})
}
