package cli

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/govchain/govchain/client"
	"github.com/govchain/govchain/codec"
	"github.com/govchain/govchain/crypto"
	"github.com/govchain/govchain/verify"
	"github.com/govchain/govchain/x/datashare"
	"github.com/govchain/govchain/x/identity"
)

// datashareCmd is `govchain datashare export|audit`: the access log of a
// grant or of a citizen with state proofs, and the offline check that
// every access had a live grant at its time.
func datashareCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{Use: "datashare", Short: "Export and audit the data-sharing access log with proofs"}
	var grant uint64
	var subject, out string
	export := &cobra.Command{
		Use:   "export",
		Short: "Write the proven records of a grant's (--grant) or a citizen's (--subject) accesses, with their grants, datasets and consents",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if (grant == 0) == (subject == "") {
				return usageErr("give --grant or --subject")
			}
			proofs, err := exportAccesses(cmd.Context(), g.client(), grant, subject)
			if err != nil {
				return err
			}
			w := g.stdout
			if out != "" {
				f, err := os.Create(out)
				if err != nil {
					return err
				}
				defer f.Close()
				w = f
			}
			enc := json.NewEncoder(w)
			enc.SetIndent("", "  ")
			return enc.Encode(proofs)
		},
	}
	export.Flags().Uint64Var(&grant, "grant", 0, "a grant (request) id: every access made under it")
	export.Flags().StringVar(&subject, "subject", "", "a citizen's account address: every access to their data")
	export.Flags().StringVar(&out, "out", "", "file to write (default: standard output)")
	var file, trustGenesis string
	audit := &cobra.Command{
		Use:   "audit",
		Short: "Check, from proven records, that every access of a grant or citizen had a live grant at its time",
		Long: `audit reads every access logged under a grant (--grant: complete, since the
proven grant counts its accesses) or concerning a citizen (--subject), with
the grant, dataset and consent each one names, all with state proofs at one
height (fetched from --node, or an export file with --export). It checks every
proof against the chain's signed headers from genesis.json (--trust), then
for each access: the requester's signature over its request, and that the
grant was live for it (granted before it and not revoked before it, inside
the grant's period, for the grant's purpose, by the grant's department, with
the subject's consent where the dataset requires it; docs/datashare.md,
"Audit"). It exits with code 5 on any failure.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if trustGenesis == "" {
				return usageErr("give --trust genesis.json")
			}
			if file == "" && (grant == 0) == (subject == "") {
				return usageErr("give --grant or --subject (or --export FILE)")
			}
			trust, err := verify.TrustGenesis(trustGenesis)
			if err != nil {
				return err
			}
			var proofs []json.RawMessage
			if file != "" {
				b, err := os.ReadFile(file)
				if err != nil {
					return err
				}
				if err := json.Unmarshal(b, &proofs); err != nil {
					return &exitError{ExitUnverified, fmt.Errorf("%w: %w", verify.ErrMalformed, err)}
				}
			} else if proofs, err = exportAccesses(cmd.Context(), g.client(), grant, subject); err != nil {
				return err
			}
			rep, err := auditAccesses(proofs, trust, grant, subject)
			if err != nil {
				return &exitError{ExitUnverified, fmt.Errorf("NOT VERIFIED: %w", err)}
			}
			return g.print(rep, func(w io.Writer) {
				for _, a := range rep.Accesses {
					fmt.Fprintf(w, "access %d/%d  %s  %s (%s) for %s  subject %s  response %x  ok\n", a.Grant, a.Seq,
						time.Unix(a.Time, 0).UTC().Format(time.RFC3339), a.Requester, a.RequesterAccount, a.Purpose, orNone(a.Subject), a.ResponseHash[:8])
				}
				fmt.Fprintf(w, "verified at height %d: %d accesses, each under a live grant", rep.Height, len(rep.Accesses))
				if rep.Complete {
					fmt.Fprintf(w, " (the grant's complete log)")
				}
				fmt.Fprintln(w)
			})
		},
	}
	audit.Flags().Uint64Var(&grant, "grant", 0, "a grant (request) id")
	audit.Flags().StringVar(&subject, "subject", "", "a citizen's account address")
	audit.Flags().StringVar(&file, "export", "", "an export file (offline); without it the records are fetched from --node")
	audit.Flags().StringVar(&trustGenesis, "trust", "", "the chain's genesis.json")
	cmd.AddCommand(export, audit)
	return cmd
}

func orNone(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// dsReader reads datashare state through a node's proven /v1/state at
// one height, keeping each answer.
type dsReader struct {
	ctx    context.Context
	c      *client.Client
	height int64
	proofs []json.RawMessage
	err    error
}

func (r *dsReader) Get(key []byte) ([]byte, bool) { return r.full(datashare.Name + "/" + string(key)) }

// full reads a key of the whole state.
func (r *dsReader) full(key string) ([]byte, bool) {
	if r.err != nil {
		return nil, false
	}
	st, err := r.c.State(r.ctx, key, r.height, true)
	if err != nil {
		r.err = fmt.Errorf("%s: %w", key, err)
		return nil, false
	}
	raw, err := json.Marshal(st)
	if err != nil {
		r.err = err
		return nil, false
	}
	if r.height <= 0 {
		r.height = st.Height
	}
	r.proofs = append(r.proofs, raw)
	if st.Value == nil {
		return nil, false
	}
	v, err := base64.StdEncoding.DecodeString(*st.Value)
	if err != nil {
		r.err = err
		return nil, false
	}
	return v, true
}

// MaxAuditAccesses bounds one audit's accesses.
const MaxAuditAccesses = 100_000

// exportAccesses reads, with proofs at one height, what an audit of a
// grant or a subject checks.
func exportAccesses(ctx context.Context, c *client.Client, grant uint64, subject string) ([]json.RawMessage, error) {
	r := &dsReader{ctx: ctx, c: c, height: -1}
	r.Get([]byte("meta")) // fixes the height: the newest signed one
	if r.err != nil {
		return nil, r.err
	}
	var keys []string
	if subject != "" {
		if !crypto.ValidAddress(subject) {
			return nil, usageErr("--subject: an account address")
		}
		// The subject's index (not provable complete): its keys, then each
		// record proven at the list's height.
		o := client.ReadOptions{Height: r.height}
		for {
			p, err := client.List[datashare.Access](ctx, c, client.Path(datashare.Name, "subjects", subject, "accesses"), o)
			if err != nil {
				return nil, err
			}
			for _, a := range p.Items {
				keys = append(keys, datashare.AccessKey(a.Grant, a.Seq))
			}
			if p.Next == "" || len(keys) >= MaxAuditAccesses {
				break
			}
			o.After = p.Next
		}
	} else {
		g, err := datashare.GetRequest(r, grant)
		if r.err != nil {
			return nil, r.err
		}
		if err != nil {
			return nil, err
		}
		if g.Accesses > MaxAuditAccesses {
			return nil, fmt.Errorf("grant %d has %d accesses; this command audits at most %d", grant, g.Accesses, MaxAuditAccesses)
		}
		for s := uint64(1); s <= g.Accesses; s++ {
			keys = append(keys, datashare.AccessKey(grant, s))
		}
	}
	if _, err := loadAudit(r, grant, keys); err != nil {
		return nil, err
	}
	if r.err != nil {
		return nil, r.err
	}
	return r.proofs, nil
}

// auditSet is what an audit reads: the accesses, and the grants,
// datasets and consents they name.
type auditSet struct {
	accesses []*datashare.Access
	grants   map[uint64]*datashare.Request
	datasets map[string]*datashare.Dataset
	consents map[string]*datashare.Consent
	accounts map[string]*identity.Account
}

// fullReader reads keys of the whole state.
type fullReader interface {
	Get([]byte) ([]byte, bool) // a datashare key
	full(key string) ([]byte, bool)
}

// identityView reads identity's records through a fullReader.
type identityView struct{ r fullReader }

func (v identityView) Get(k []byte) ([]byte, bool) { return v.r.full(identity.Name + "/" + string(k)) }

// loadAudit reads the accesses at keys and what each names through r
// (for a grant audit, the grant is read first, so its record proves how
// many accesses there are), and the requester accounts.
func loadAudit(r fullReader, grant uint64, keys []string) (*auditSet, error) {
	s := &auditSet{grants: map[uint64]*datashare.Request{}, datasets: map[string]*datashare.Dataset{}, consents: map[string]*datashare.Consent{},
		accounts: map[string]*identity.Account{}}
	if grant != 0 {
		g, err := datashare.GetRequest(r, grant)
		if err != nil {
			return nil, err
		}
		s.grants[grant] = g
	}
	for _, k := range keys {
		var a datashare.Access
		b, ok := r.Get([]byte(k))
		if !ok {
			return nil, fmt.Errorf("access %s is not proven present", k)
		}
		if err := codec.Unmarshal(b, &a); err != nil {
			return nil, fmt.Errorf("access %s: %w", k, err)
		}
		s.accesses = append(s.accesses, &a)
		g, ok := s.grants[a.Grant]
		if !ok {
			var err error
			if g, err = datashare.GetRequest(r, a.Grant); err != nil {
				return nil, err
			}
			s.grants[a.Grant] = g
		}
		ds, ok := s.datasets[g.Dataset]
		if !ok {
			var err error
			if ds, err = datashare.GetDataset(r, g.Dataset); err != nil {
				return nil, err
			}
			s.datasets[g.Dataset] = ds
		}
		if _, ok := s.accounts[a.RequesterAccount]; !ok {
			acct, err := identity.GetAccount(identityView{r}, a.RequesterAccount)
			if err != nil {
				return nil, fmt.Errorf("requester account: %w", err)
			}
			s.accounts[a.RequesterAccount] = acct
		}
		if ds.ConsentRequired && a.Subject != "" {
			ck := strconv.FormatUint(a.Grant, 10) + "/" + a.Subject
			if _, ok := s.consents[ck]; !ok {
				c, err := datashare.GetConsent(r, a.Grant, a.Subject)
				if err != nil {
					return nil, err
				}
				s.consents[ck] = c
			}
		}
	}
	return s, nil
}

// AuditReport is what `govchain datashare audit --output json` prints.
type AuditReport struct {
	Height int64 `json:"height"`
	// Complete: a grant's audit covers every access its proven record
	// counts.
	Complete bool                `json:"complete"`
	Accesses []*datashare.Access `json:"accesses"`
}

// auditAccesses checks every proof (one height), rebuilds the records
// from the proven values alone, and checks each access.
func auditAccesses(proofs []json.RawMessage, trust *verify.Trust, grant uint64, subject string) (*AuditReport, error) {
	st := verifiedDS{}
	var height int64
	var keys []string
	for _, raw := range proofs {
		sp, err := verify.ParseStateProof(raw)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", verify.ErrMalformed, err)
		}
		res, err := verify.VerifyStateProof(sp, trust)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", sp.Key, err)
		}
		if height != 0 && res.Height != height {
			return nil, fmt.Errorf("proofs of heights %d and %d", height, res.Height)
		}
		height = res.Height
		var v []byte
		if sp.Value != nil {
			if v, err = base64.StdEncoding.DecodeString(*sp.Value); err != nil {
				return nil, err
			}
		}
		st[sp.Key] = v
		if k, ok := strings.CutPrefix(sp.Key, datashare.Name+"/access/"); ok {
			keys = append(keys, "access/"+k)
		}
	}
	if grant != 0 {
		g, err := datashare.GetRequest(st, grant)
		if err != nil {
			return nil, err
		}
		keys = keys[:0]
		for s := uint64(1); s <= g.Accesses; s++ {
			keys = append(keys, datashare.AccessKey(grant, s))
		}
	}
	set, err := loadAudit(st, grant, keys)
	if err != nil {
		return nil, err
	}
	for _, a := range set.accesses {
		if subject != "" && a.Subject != subject {
			return nil, fmt.Errorf("%s does not concern %s", a, subject)
		}
		if err := datashare.CheckLogged(a); err != nil {
			return nil, fmt.Errorf("%s: %w", a, err)
		}
		g := set.grants[a.Grant]
		ds := set.datasets[g.Dataset]
		var c *datashare.Consent
		if ds.ConsentRequired && a.Subject != "" {
			c = set.consents[strconv.FormatUint(a.Grant, 10)+"/"+a.Subject]
		}
		if err := datashare.CheckAccess(a, g, ds, c); err != nil {
			return nil, fmt.Errorf("%s: %w", a, err)
		}
		// The requester account is of the grant's department (accounts
		// never change department).
		if acct := set.accounts[a.RequesterAccount]; acct.Department != g.Requester {
			return nil, fmt.Errorf("%s: requester %s is of %s, the grant is %s's", a, a.RequesterAccount, acct.Department, g.Requester)
		}
	}
	return &AuditReport{Height: height, Complete: grant != 0, Accesses: set.accesses}, nil
}

// verifiedDS is datashare state made only of proven values.
type verifiedDS map[string][]byte

func (s verifiedDS) Get(key []byte) ([]byte, bool) { return s.full(datashare.Name + "/" + string(key)) }

func (s verifiedDS) full(key string) ([]byte, bool) {
	v, ok := s[key]
	return v, ok && v != nil
}
