package module_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/govchain/govchain/app/module"
	"github.com/govchain/govchain/crypto"
)

type rec struct{}

// AddressPattern accepts exactly what crypto.ValidAddress does.
func TestAddressPattern(t *testing.T) {
	k, _ := crypto.KeyFromSeed(crypto.AlgEd25519, make([]byte, 32))
	for _, s := range []string{k.Address(), "", "zz", strings.ToUpper(k.Address()), k.Address() + "0", k.Address()[1:], "g" + k.Address()[1:]} {
		if module.AddressPattern.MatchString(s) != crypto.ValidAddress(s) {
			t.Errorf("%q: pattern %v, ValidAddress %v", s, module.AddressPattern.MatchString(s), crypto.ValidAddress(s))
		}
	}
}

func TestMatch(t *testing.T) {
	q := module.RecordQuery[rec]("thing", "things/{id}", "a thing", nil).Match("id", regexp.MustCompile(`^[a-z]+$`))
	if q.Params[0].Pattern == nil || q.Params[0].Pattern.String() != `^[a-z]+$` {
		t.Fatalf("pattern not set: %+v", q.Params[0])
	}
	for name, f := range map[string]func(){
		"unanchored": func() { q.Match("id", regexp.MustCompile(`[a-z]+`)) },
		"no param":   func() { q.Match("nope", regexp.MustCompile(`^x$`)) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}
