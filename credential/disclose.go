package credential

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Disclose processes an issuer-signed payload with the presented
// disclosures (RFC 9901 §7.1): every digest in an "_sd" array or a
// {"...": digest} array element that matches a disclosure is replaced by
// the claim, recursively; unmatched digests are dropped; "_sd" and
// "_sd_alg" are removed. It refuses a disclosure presented twice or not
// referenced, a digest found twice, a property disclosure for an array
// element (or the reverse), and a claim name already present.
func Disclose(payload []byte, disclosures []string) ([]byte, error) {
	var root any
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.UseNumber()
	if err := dec.Decode(&root); err != nil {
		return nil, fmt.Errorf("%w: payload: %v", ErrMalformed, err)
	}
	obj, ok := root.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%w: payload is not an object", ErrMalformed)
	}
	p := &processor{byDigest: map[string]*Disclosure{}, used: map[string]bool{}, seen: map[string]bool{}}
	for _, enc := range disclosures {
		d, err := ParseDisclosure(enc)
		if err != nil {
			return nil, err
		}
		dg := Digest(enc)
		if p.byDigest[dg] != nil {
			return nil, fmt.Errorf("%w: a disclosure is presented twice", ErrDisclosure)
		}
		p.byDigest[dg] = d
	}
	delete(obj, "_sd_alg")
	out, err := p.walk(obj, 0)
	if err != nil {
		return nil, err
	}
	for dg := range p.byDigest {
		if !p.used[dg] {
			return nil, fmt.Errorf("%w: a disclosure matches no digest the issuer signed", ErrDisclosure)
		}
	}
	return json.Marshal(out)
}

type processor struct {
	byDigest map[string]*Disclosure
	used     map[string]bool
	seen     map[string]bool
}

const maxDepth = 32

func (p *processor) walk(v any, depth int) (any, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("%w: payload nested too deep", ErrMalformed)
	}
	switch x := v.(type) {
	case map[string]any:
		return p.object(x, depth)
	case []any:
		return p.array(x, depth)
	}
	return v, nil
}

func (p *processor) object(o map[string]any, depth int) (any, error) {
	sdv, has := o["_sd"]
	delete(o, "_sd")
	for k, v := range o {
		w, err := p.walk(v, depth+1)
		if err != nil {
			return nil, err
		}
		o[k] = w
	}
	if !has {
		return o, nil
	}
	list, ok := sdv.([]any)
	if !ok {
		return nil, fmt.Errorf("%w: _sd is not an array", ErrMalformed)
	}
	for _, e := range list {
		dg, ok := e.(string)
		if !ok || !ValidDigest(dg) {
			return nil, fmt.Errorf("%w: _sd holds a non-digest", ErrMalformed)
		}
		if err := p.see(dg); err != nil {
			return nil, err
		}
		d := p.byDigest[dg]
		if d == nil {
			continue // undisclosed, or a decoy
		}
		if d.Element {
			return nil, fmt.Errorf("%w: an array element disclosure in _sd", ErrDisclosure)
		}
		if _, dup := o[d.Name]; dup {
			return nil, fmt.Errorf("%w: claim %q disclosed over an existing one", ErrDisclosure, d.Name)
		}
		val, err := p.value(d, depth)
		if err != nil {
			return nil, err
		}
		o[d.Name] = val
	}
	return o, nil
}

func (p *processor) array(a []any, depth int) (any, error) {
	out := make([]any, 0, len(a))
	for _, e := range a {
		if m, ok := e.(map[string]any); ok && len(m) == 1 {
			if dv, ok := m["..."]; ok {
				dg, ok := dv.(string)
				if !ok || !ValidDigest(dg) {
					return nil, fmt.Errorf("%w: array element digest", ErrMalformed)
				}
				if err := p.see(dg); err != nil {
					return nil, err
				}
				d := p.byDigest[dg]
				if d == nil {
					continue
				}
				if !d.Element {
					return nil, fmt.Errorf("%w: a property disclosure as an array element", ErrDisclosure)
				}
				val, err := p.value(d, depth)
				if err != nil {
					return nil, err
				}
				out = append(out, val)
				continue
			}
		}
		w, err := p.walk(e, depth+1)
		if err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, nil
}

func (p *processor) see(dg string) error {
	if p.seen[dg] {
		return fmt.Errorf("%w: digest appears twice", ErrDisclosure)
	}
	p.seen[dg] = true
	if p.byDigest[dg] != nil {
		p.used[dg] = true
	}
	return nil
}

func (p *processor) value(d *Disclosure, depth int) (any, error) {
	var v any
	dec := json.NewDecoder(bytes.NewReader(d.Value))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("%w: disclosure value", ErrMalformed)
	}
	return p.walk(v, depth+1)
}
