package fiscal

import (
	"fmt"
	"math/bits"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/govchain/govchain/app/module"
	"github.com/govchain/govchain/crypto"
)

// Name is the module name.
const Name = "fiscal"

// Roles defined by this module.
const (
	RoleBudgetOffice = "fiscal.budget_office" // appropriates and adjusts budget lines (Ministry of Finance)
	RoleSpender      = "fiscal.spender"       // commits and pays from its own department's lines
)

// Line is a budget line: one appropriation with its classification and
// its running totals in fen. Available = Adjusted - Committed - Paid,
// where Committed is what is reserved and not yet paid (docs/fiscal.md).
type Line struct {
	ID         string `cbor:"1,keyasint" json:"id"`
	Year       uint32 `cbor:"2,keyasint" json:"year"`
	Department string `cbor:"3,keyasint" json:"department"`
	Function   string `cbor:"4,keyasint" json:"function"`
	Economic   string `cbor:"5,keyasint" json:"economic"`
	FundSource string `cbor:"6,keyasint" json:"fund_source"`
	Program    string `cbor:"7,keyasint,omitempty" json:"program,omitempty"`
	Totals     `cbor:"8,keyasint" json:"totals"`
	// Adjustments counts the line's adjustments (adj/<line>/<n>).
	Adjustments uint64 `cbor:"9,keyasint,omitempty" json:"adjustments"`
	Height      int64  `cbor:"10,keyasint" json:"height"`
	// Closed is set by fiscal.close_line: no new commitment or
	// adjustment; open commitments may still be paid or released.
	Closed      bool   `cbor:"11,keyasint,omitempty" json:"closed"`
	CloseReason string `cbor:"12,keyasint,omitempty" json:"close_reason,omitempty"`
}

// Totals are the measures of a line or a rollup, in fen.
type Totals struct {
	Original  uint64 `cbor:"1,keyasint,omitempty" json:"original" fmt:"yuan"`
	Adjusted  uint64 `cbor:"2,keyasint,omitempty" json:"adjusted" fmt:"yuan"`
	Committed uint64 `cbor:"3,keyasint,omitempty" json:"committed" fmt:"yuan"` // reserved, not yet paid
	Paid      uint64 `cbor:"4,keyasint,omitempty" json:"paid" fmt:"yuan"`
	Available uint64 `cbor:"5,keyasint,omitempty" json:"available" fmt:"yuan"` // Adjusted - Committed - Paid
	Lines     uint64 `cbor:"6,keyasint,omitempty" json:"lines"`
}

// Rollup is the totals of the lines of one fiscal year sharing a
// department, a function class (类), an economic class or none (the year).
type Rollup struct {
	Year   uint32 `cbor:"1,keyasint" json:"year"`
	Kind   string `cbor:"2,keyasint" json:"kind"` // department, function, economic, year
	Code   string `cbor:"3,keyasint,omitempty" json:"code,omitempty"`
	Totals `cbor:"4,keyasint" json:"totals"`
}

// ClassOutturn is a class's original budget and payments, kept in the year
// record for PEFA PI-2.
type ClassOutturn struct {
	Code     string `cbor:"1,keyasint" json:"code"`
	Original uint64 `cbor:"2,keyasint,omitempty" json:"original" fmt:"yuan"`
	Paid     uint64 `cbor:"3,keyasint,omitempty" json:"paid" fmt:"yuan"`
}

// MaxClasses bounds each class list of a year record.
const MaxClasses = 64

// Year is a fiscal year's totals with its classes' outturn, from which
// the PEFA indicators are computed when it is read.
type Year struct {
	Year      uint32 `cbor:"1,keyasint" json:"year"`
	Totals    `cbor:"2,keyasint" json:"totals"`
	Functions []ClassOutturn `cbor:"3,keyasint,omitempty" json:"functions"`
	Economic  []ClassOutturn `cbor:"4,keyasint,omitempty" json:"economic"`
	// PEFA is computed at read time from the fields above (never stored).
	PEFA *PEFA `cbor:"-" json:"pefa,omitempty" derive:"the PEFA indicators computed from this record alone, as docs/fiscal.md (PEFA indicators) defines: PI-1 = paid x 10000 / original rounded down; PI-2 over functions and over economic classes = sum of abs(a_i x O - o_i x A) x 10000 / (A x O) rounded down; -1 when a denominator is 0; the scores by PEFA 2016 bands"`
}

// Adjustment is one change of a line's adjusted amount; the original
// amount and every earlier adjustment stay.
type Adjustment struct {
	Line   string `cbor:"1,keyasint" json:"line"`
	Seq    uint64 `cbor:"2,keyasint" json:"seq"`
	Delta  int64  `cbor:"3,keyasint" json:"delta" fmt:"yuan"`
	Before uint64 `cbor:"4,keyasint" json:"before" fmt:"yuan"`
	After  uint64 `cbor:"5,keyasint" json:"after" fmt:"yuan"`
	Reason string `cbor:"6,keyasint" json:"reason"`
	By     string `cbor:"7,keyasint" json:"by"`
	Height int64  `cbor:"8,keyasint" json:"height"`
}

// Commitment is what one ref (a procurement award, a welfare run, an
// invoice) has reserved on a line.
type Commitment struct {
	Line       string `cbor:"1,keyasint" json:"line"`
	Ref        string `cbor:"2,keyasint" json:"ref"`
	Committed  uint64 `cbor:"3,keyasint,omitempty" json:"committed" fmt:"yuan"` // every commit, total
	Released   uint64 `cbor:"4,keyasint,omitempty" json:"released" fmt:"yuan"`  // uncommitted
	Paid       uint64 `cbor:"5,keyasint,omitempty" json:"paid" fmt:"yuan"`      // paid out of it
	Open       uint64 `cbor:"6,keyasint,omitempty" json:"open" fmt:"yuan"`      // Committed - Released - Paid
	Payee      string `cbor:"7,keyasint,omitempty" json:"payee,omitempty"`      // of the last commit that named one
	Purpose    string `cbor:"8,keyasint,omitempty" json:"purpose,omitempty"`    // idem
	DocHash    []byte `cbor:"9,keyasint,omitempty" json:"doc_hash,omitempty"`   // idem
	Department string `cbor:"10,keyasint" json:"department"`                    // the spending department
	Height     int64  `cbor:"11,keyasint" json:"height"`                        // of the first commit
}

// Payment is one payment from a line.
type Payment struct {
	ID         string `cbor:"1,keyasint" json:"id"`
	Line       string `cbor:"2,keyasint" json:"line"`
	Ref        string `cbor:"3,keyasint" json:"ref"`
	Payee      string `cbor:"4,keyasint" json:"payee"`
	Amount     uint64 `cbor:"5,keyasint" json:"amount" fmt:"yuan"`
	Purpose    string `cbor:"6,keyasint,omitempty" json:"purpose,omitempty"`
	DocHash    []byte `cbor:"7,keyasint,omitempty" json:"doc_hash,omitempty"`
	Department string `cbor:"8,keyasint" json:"department"`
	By         string `cbor:"9,keyasint,omitempty" json:"by,omitempty"`
	Height     int64  `cbor:"10,keyasint" json:"height"`
	Time       int64  `cbor:"11,keyasint" json:"time_unix" fmt:"unix"`
}

// State keys, relative to "fiscal/". Refs and payment ids may hold '/';
// they come last in their keys.
func lineKey(id string) string                  { return "line/" + id }
func adjKey(line string, seq uint64) string     { return fmt.Sprintf("adj/%s/%020d", line, seq) }
func commitKey(line, ref string) string         { return "commit/" + line + "/" + ref }
func payKey(id string) string                   { return "pay/" + id }
func linePayKey(line, id string) string         { return "linepay/" + line + "/" + id }
func refPayKey(ref, id string) string           { return "refpay/" + EncodeRef(ref) + "/" + id }
func yearLineKey(year uint32, id string) string { return fmt.Sprintf("yline/%d/%s", year, id) }
func deptLineKey(year uint32, dept, id string) string {
	return fmt.Sprintf("dline/%d/%s/%s", year, dept, id)
}
func rollupKey(year uint64, kind, code string) string {
	return fmt.Sprintf("sum/%d/%s/%s", year, kind, code)
}
func yearKey(year uint64) string { return fmt.Sprintf("year/%d", year) }

// EncodeRef writes a ref as one path segment ('/' becomes '~'), as the
// payments-by-ref query takes it.
func EncodeRef(ref string) string { return strings.ReplaceAll(ref, "/", "~") }

// DecodeRef undoes EncodeRef.
func DecodeRef(s string) string { return strings.ReplaceAll(s, "~", "/") }

var (
	lineIDRe  = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)
	refRe     = regexp.MustCompile(`^[A-Za-z0-9._:/-]{1,128}$`)
	refSegRe  = regexp.MustCompile(`^[A-Za-z0-9._:~-]{1,128}$`)
	payIDRe   = regexp.MustCompile(`^[A-Za-z0-9._:/-]{1,160}$`)
	paySegRe  = regexp.MustCompile(`^[A-Za-z0-9._:~-]{1,160}$`)
	deptRe    = regexp.MustCompile(`^[a-z0-9-]{1,32}$`)
	yearRe    = regexp.MustCompile(`^[0-9]{4}$`)
	classRe   = regexp.MustCompile(`^[0-9]{3}$`)
	programRe = regexp.MustCompile(`^[A-Za-z0-9._-]{0,64}$`)
	// An organisation identifier in the org-id.guide form: a list code
	// (country and register, e.g. CN-USCC) and the identifier.
	orgIDRe = regexp.MustCompile(`^[A-Z]{2}-[A-Z0-9]{2,16}-[A-Za-z0-9.-]{1,64}$`)
)

func checkLineID(id string) error {
	if !lineIDRe.MatchString(id) {
		return module.ErrInvalidField.Wrapf("line id must be 1-64 of A-Z a-z 0-9 . _ -")
	}
	return nil
}

func checkRef(ref string) error {
	if !refRe.MatchString(ref) || strings.HasPrefix(ref, "/") || strings.HasSuffix(ref, "/") || strings.Contains(ref, "//") {
		return ErrBadRef
	}
	return nil
}

func checkPayID(id string) error {
	if !payIDRe.MatchString(id) || strings.HasPrefix(id, "/") || strings.HasSuffix(id, "/") || strings.Contains(id, "//") {
		return module.ErrInvalidField.Wrapf("payment id must be 1-160 of A-Z a-z 0-9 . _ : / -")
	}
	return nil
}

// CheckPayee accepts an organisation identifier (org-id.guide form, e.g.
// CN-USCC-91110000100000000X) or a citizen's account address (40 lowercase
// hex digits, pseudonymous): nothing else, so no name can be written.
func CheckPayee(p string) error {
	if crypto.ValidAddress(p) || orgIDRe.MatchString(p) {
		return nil
	}
	return ErrBadPayee.Wrapf("%q", p)
}

func checkText(field, s string, max int, required bool) error {
	if (required && s == "") || len(s) > max || !utf8.ValidString(s) {
		return module.ErrInvalidField.Wrapf("%s must be %d to %d bytes of UTF-8", field, map[bool]int{true: 1}[required], max)
	}
	return nil
}

func checkDocHash(h []byte) error {
	if len(h) != 0 && len(h) != 32 {
		return module.ErrInvalidField.Wrapf("document hash must be 32 bytes (SHA-256)")
	}
	return nil
}

// add returns a+b or ErrOverflow.
func add(a, b uint64) (uint64, error) {
	s, c := bits.Add64(a, b, 0)
	if c != 0 {
		return 0, ErrOverflow
	}
	return s, nil
}

// sub returns a-b; b > a is a broken invariant (corrupt state).
func sub(a, b uint64) (uint64, error) {
	d, borrow := bits.Sub64(a, b, 0)
	if borrow != 0 {
		return 0, fmt.Errorf("fiscal: %d - %d underflows", a, b)
	}
	return d, nil
}
