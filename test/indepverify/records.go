package indepverify

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/fxamacker/cbor/v2"
)

// field of a record table: CBOR key, JSON name, type, "omitted when empty or
// zero" (CBOR), "JSON omits it when empty".
type field struct {
	key      uint64
	name     string
	typ      string // text uint int bool bytes [text] [uint] [T] T T?
	cborOmit bool
	jsonOmit bool
}

type schema []field

func f(k uint64, name, typ string, notes string) field {
	return field{k, name, typ, strings.Contains(notes, "c"), strings.Contains(notes, "j")}
}

// c = "omitted when empty or zero"; j = "JSON omits it when empty"
var schemas = map[string]schema{
	"Parcel": {f(1, "number", "text", ""), f(2, "district", "text", ""), f(3, "location", "text", "cj"),
		f(4, "area_centi_m2", "uint", ""), f(5, "use", "text", ""), f(6, "owners", "[Owner]", ""),
		f(7, "deed_hash", "bytes", "cj"), f(8, "frozen", "bool", "c"), f(9, "version", "uint", "c"),
		f(10, "last_price", "uint", "cj"), f(11, "history_length", "uint", "c"), f(12, "pending_transfers", "[uint]", "c"),
		f(13, "freeze", "Freeze?", "cj"), f(14, "pending_encumbrances", "[uint]", "c")},
	"HistoryEntry": {f(1, "seq", "uint", "c"), f(2, "kind", "text", ""), f(3, "height", "int", ""), f(4, "time_unix", "int", ""),
		f(5, "owners", "[Owner]", "cj"), f(6, "price", "uint", "cj"), f(7, "by", "text", ""), f(8, "ref", "uint", "cj"),
		f(9, "reason", "text", "cj"), f(10, "department", "text", "cj"), f(11, "encumbrance_kind", "text", "cj"), f(12, "holder", "text", "cj")},
	"Encumbrance": {f(1, "id", "uint", ""), f(2, "parcel", "text", ""), f(3, "kind", "text", ""), f(4, "holder", "text", ""),
		f(5, "amount", "uint", "c"), f(6, "active", "bool", "c"), f(7, "created_height", "int", ""), f(8, "released_height", "int", "cj"),
		f(9, "status", "text", "c"), f(10, "owners", "[text]", "cj"), f(11, "consented_by", "[text]", "cj"), f(12, "deadline_unix", "int", "cj"),
		f(13, "activated_height", "int", "cj"), f(14, "closed_height", "int", "cj"), f(15, "reference", "text", "cj"), f(16, "holder_department", "text", "cj")},
	"Transfer": {f(1, "id", "uint", ""), f(2, "parcel", "text", ""), f(3, "seller", "text", ""), f(4, "buyers", "[Owner]", ""),
		f(5, "price", "uint", ""), f(6, "tax_due", "uint", "c"), f(7, "deadline_unix", "int", "cj"), f(8, "parcel_version", "uint", "c"),
		f(9, "accepted_by", "[text]", "c"), f(10, "paid", "bool", "c"), f(11, "paid_by", "text", "cj"), f(12, "tax_paid", "bool", "c"),
		f(13, "status", "text", ""), f(14, "opened_height", "int", ""), f(15, "closed_height", "int", "cj"), f(16, "result", "text", "cj"),
		f(17, "sellers", "[text]", ""), f(18, "consented_by", "[text]", "c")},
	"RegistryParams": {f(1, "tax_rate_bp", "uint", "c")},
	"Owner":          {f(1, "account", "text", ""), f(2, "share_bp", "uint", "")},
	"Freeze":         {f(1, "by", "text", ""), f(2, "department", "text", ""), f(3, "reason", "text", ""), f(4, "height", "int", "")},
	"Account": {f(1, "address", "text", ""), f(2, "algorithm", "text", ""), f(3, "public_key", "bytes", ""), f(4, "department", "text", ""),
		f(5, "roles", "[text]", "c"), f(6, "citizen", "bool", "c"), f(7, "sequence", "uint", "c"), f(8, "created_height", "int", "c"), f(9, "disabled", "bool", "c")},
	"Department": {f(1, "id", "text", ""), f(2, "name", "text", ""), f(3, "validator", "Validator?", "cj"), f(4, "removed", "bool", "c"),
		f(5, "created_height", "int", "c"), f(6, "admins", "uint", "c"), f(7, "validator_nonce", "uint", "c")},
	"Proposal": {f(1, "id", "uint", ""), f(2, "proposer", "text", ""), f(3, "action", "Action", ""), f(4, "approvals", "[text]", ""),
		f(5, "status", "text", ""), f(6, "created_height", "int", ""), f(7, "expires_height", "int", ""), f(8, "result", "text", "cj"), f(9, "executed_height", "int", "cj")},
	"RoleGrantors":   {f(1, "role", "text", ""), f(2, "departments", "[text]", "c"), f(3, "updated_height", "int", "cj")},
	"IdentityParams": {f(1, "threshold", "uint", ""), f(2, "proposal_ttl_blocks", "int", "")},
	"Meta":           {f(1, "departments", "uint", "c"), f(2, "next_proposal", "uint", "c"), f(3, "total_power", "int", "c")},
	"Validator":      {f(1, "public_key", "bytes", ""), f(2, "power", "int", "c")},
	"Action": {f(1, "kind", "text", ""), f(2, "department", "text", "cj"), f(3, "name", "text", "cj"), f(4, "algorithm", "text", "cj"),
		f(5, "public_key", "bytes", "cj"), f(6, "account", "text", "cj"), f(7, "validator_key", "bytes", "cj"), f(8, "power", "int", "cj"),
		f(9, "threshold", "uint", "cj"), f(10, "role", "text", "cj"), f(11, "departments", "[text]", "cj"), f(12, "validator_signature", "bytes", "cj")},
}

// recordType maps a state key to its record type (docs' "at state key").
func recordType(key string) (string, error) {
	seg := strings.Split(key, "/")
	switch {
	case len(seg) == 3 && seg[0] == "registry" && seg[1] == "parcel":
		return "Parcel", nil
	case len(seg) == 4 && seg[0] == "registry" && seg[1] == "enc" && len(seg[3]) == 20:
		return "Encumbrance", nil
	case len(seg) == 3 && seg[0] == "registry" && seg[1] == "xfer" && len(seg[2]) == 20:
		return "Transfer", nil
	case key == "registry/params":
		return "RegistryParams", nil
	case len(seg) == 3 && seg[0] == "identity" && seg[1] == "acct":
		return "Account", nil
	case len(seg) == 3 && seg[0] == "identity" && seg[1] == "dept":
		return "Department", nil
	case len(seg) == 3 && seg[0] == "identity" && seg[1] == "prop" && len(seg[2]) == 20:
		return "Proposal", nil
	case key == "identity/params":
		return "IdentityParams", nil
	case key == "identity/meta":
		return "Meta", nil
	}
	return "", fmt.Errorf("no documented record type for key %q", key)
}

var decMode, _ = cbor.DecOptions{DupMapKey: cbor.DupMapKeyEnforcedAPF, IndefLength: cbor.IndefLengthForbidden, TagsMd: cbor.TagsForbidden}.DecMode()

// normalise fxamacker's generic values into our encoder's types.
func norm(v any) (any, error) {
	switch x := v.(type) {
	case nil, bool, uint64, string, []byte:
		return x, nil
	case int64:
		return x, nil
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			n, err := norm(e)
			if err != nil {
				return nil, err
			}
			out[i] = n
		}
		return out, nil
	case map[any]any:
		out := map[uint64]any{}
		for k, e := range x {
			ku, ok := k.(uint64)
			if !ok {
				return nil, fmt.Errorf("map key %T is not an unsigned integer", k)
			}
			n, err := norm(e)
			if err != nil {
				return nil, err
			}
			out[ku] = n
		}
		return out, nil
	}
	return nil, fmt.Errorf("unsupported CBOR item %T", v)
}

// DecodeRecord decodes the proven value as the key's record and writes the
// JSON the API shows, with derived fields computed for block time bt.
func DecodeRecord(key string, value []byte, bt time.Time) ([]byte, error) {
	typ, err := recordType(key)
	if err != nil {
		return nil, err
	}
	var g any
	if err := decMode.Unmarshal(value, &g); err != nil {
		return nil, fmt.Errorf("cbor: %v", err)
	}
	n, err := norm(g)
	if err != nil {
		return nil, err
	}
	var re bytes.Buffer
	if err := cborEncode(&re, n); err != nil {
		return nil, err
	}
	if !bytes.Equal(re.Bytes(), value) {
		return nil, errors.New("value is not canonical CBOR")
	}
	m, ok := n.(map[uint64]any)
	if !ok {
		return nil, errors.New("value is not a map")
	}
	var out bytes.Buffer
	if err := writeRecord(&out, typ, m, bt); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

func isZero(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case bool:
		return !x
	case uint64:
		return x == 0
	case int64:
		return x == 0
	case string:
		return x == ""
	case []byte:
		return len(x) == 0
	case []any:
		return len(x) == 0
	case map[uint64]any:
		return len(x) == 0
	}
	return false
}

func writeRecord(out *bytes.Buffer, typ string, m map[uint64]any, bt time.Time) error {
	sc, ok := schemas[typ]
	if !ok {
		return fmt.Errorf("no schema %s", typ)
	}
	known := map[uint64]bool{}
	for _, fd := range sc {
		known[fd.key] = true
	}
	for k := range m {
		if !known[k] {
			return fmt.Errorf("%s: unknown CBOR key %d", typ, k)
		}
	}
	out.WriteByte('{')
	first := true
	sep := func() {
		if !first {
			out.WriteByte(',')
		}
		first = false
	}
	for _, fd := range sc {
		v, present := m[fd.key]
		if present && fd.cborOmit && isZero(v) {
			return fmt.Errorf("%s.%s: explicit zero value", typ, fd.name)
		}
		if !present && !fd.cborOmit {
			return fmt.Errorf("%s.%s: missing", typ, fd.name)
		}
		if !present && fd.jsonOmit {
			continue
		}
		sep()
		nb, _ := json.Marshal(fd.name)
		out.Write(nb)
		out.WriteByte(':')
		if err := writeValue(out, typ+"."+fd.name, fd.typ, v, present, bt); err != nil {
			return err
		}
	}
	// derived fields
	switch typ {
	case "Transfer", "Encumbrance":
		status, _ := m[statusKey(typ)].(string)
		var dl int64
		switch d := m[deadlineKey(typ)].(type) {
		case uint64:
			dl = int64(d)
		case int64:
			dl = d
		}
		eff := status
		open := "open"
		if typ == "Encumbrance" {
			open = "pending"
		}
		if status == open && dl != 0 && bt.Unix() > dl {
			eff = "expired"
		}
		sep()
		out.WriteString(`"effective_status":`)
		b, _ := json.Marshal(eff)
		out.Write(b)
	}
	out.WriteByte('}')
	return nil
}

func statusKey(typ string) uint64 {
	if typ == "Transfer" {
		return 13
	}
	return 9
}
func deadlineKey(typ string) uint64 {
	if typ == "Transfer" {
		return 7
	}
	return 12
}

func writeValue(out *bytes.Buffer, where, typ string, v any, present bool, bt time.Time) error {
	bad := func() error { return fmt.Errorf("%s: CBOR %T is not %s", where, v, typ) }
	switch {
	case typ == "text":
		if !present {
			v = ""
		}
		s, ok := v.(string)
		if !ok {
			return bad()
		}
		b, _ := json.Marshal(s)
		out.Write(b)
	case typ == "uint":
		if !present {
			v = uint64(0)
		}
		u, ok := v.(uint64)
		if !ok {
			return bad()
		}
		out.WriteString(strconv.FormatUint(u, 10))
	case typ == "int":
		if !present {
			v = int64(0)
		}
		switch x := v.(type) {
		case uint64:
			if x > 1<<63-1 {
				return bad()
			}
			out.WriteString(strconv.FormatUint(x, 10))
		case int64:
			out.WriteString(strconv.FormatInt(x, 10))
		default:
			return bad()
		}
	case typ == "bool":
		if !present {
			v = false
		}
		b, ok := v.(bool)
		if !ok {
			return bad()
		}
		out.WriteString(strconv.FormatBool(b))
	case typ == "bytes":
		if !present {
			out.WriteString("null")
			return nil
		}
		b, ok := v.([]byte)
		if !ok {
			return bad()
		}
		out.WriteString(`"` + base64.StdEncoding.EncodeToString(b) + `"`)
	case strings.HasPrefix(typ, "["):
		if !present || v == nil {
			out.WriteString("null")
			return nil
		}
		arr, ok := v.([]any)
		if !ok {
			return bad()
		}
		et := strings.Trim(typ, "[]")
		out.WriteByte('[')
		for i, e := range arr {
			if i > 0 {
				out.WriteByte(',')
			}
			if err := writeValue(out, fmt.Sprintf("%s[%d]", where, i), et, e, true, bt); err != nil {
				return err
			}
		}
		out.WriteByte(']')
	default: // nested record, T or T? (absent: null)
		nt := strings.TrimSuffix(typ, "?")
		if !present || v == nil {
			if strings.HasSuffix(typ, "?") {
				out.WriteString("null")
				return nil
			}
			if !present {
				return fmt.Errorf("%s: missing", where)
			}
			return bad()
		}
		mm, ok := v.(map[uint64]any)
		if !ok {
			return bad()
		}
		return writeRecord(out, nt, mm, bt)
	}
	return nil
}
