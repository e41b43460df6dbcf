package cli

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/govchain/govchain/client"
	"github.com/govchain/govchain/verify"
	"github.com/govchain/govchain/x/procurement"
)

// procurementCmd is `govchain procurement export|verify`: a process's
// records with their state proofs, and the offline recomputation of its
// ranking from them.
func procurementCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{Use: "procurement", Short: "Export a tender's proven records; verify its evaluation offline"}
	var out string
	export := &cobra.Command{
		Use:   "export OCID",
		Short: "Write every record of a tender (tender, bids, suppliers, scores, objections, contract) with its state proof",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := tenderOfOCID(args[0])
			if err != nil {
				return err
			}
			proofs, err := exportProcess(cmd.Context(), g.client(), id)
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
	export.Flags().StringVar(&out, "out", "", "file to write (default: standard output)")
	var file, trustGenesis string
	verifyC := &cobra.Command{
		Use:   "verify OCID",
		Short: "Check a tender's records against signed headers and recompute its ranking",
		Long: `verify checks every record of the tender (an export file from
'govchain procurement export', or fetched from --node with proofs) against the
chain's signed headers from genesis.json (--trust), checks that every
revealed bid matches its commitment and every disqualification its cause,
recomputes the ranking with MOF Order 87 scoring (docs/procurement.md) and
compares it with the recorded award. It exits with code 5 on any mismatch.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := tenderOfOCID(args[0])
			if err != nil {
				return err
			}
			if trustGenesis == "" {
				return usageErr("give --trust genesis.json")
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
			} else if proofs, err = exportProcess(cmd.Context(), g.client(), id); err != nil {
				return err
			}
			ranking, p, err := verifyProcess(proofs, trust, id)
			if err != nil {
				return &exitError{ExitUnverified, fmt.Errorf("NOT VERIFIED: %w", err)}
			}
			if p.Tender.OCID != args[0] {
				return &exitError{ExitUnverified, fmt.Errorf("NOT VERIFIED: the records are of %s", p.Tender.OCID)}
			}
			return g.print(ranking, func(w io.Writer) {
				fmt.Fprintf(w, "verified: %s, %d bids, status %s\n", p.Tender.OCID, len(p.Bids), p.Tender.Status)
				for i, r := range ranking {
					fmt.Fprintf(w, "%d. %s  %s yuan  price %d.%02d  total %d.%04d\n", i+1, r.Supplier, procurement.Amount(r.Amount),
						r.PriceScore/100, r.PriceScore%100, r.Total/10000, r.Total%10000)
				}
			})
		},
	}
	verifyC.Flags().StringVar(&file, "export", "", "an export file (offline); without it the records are fetched from --node")
	verifyC.Flags().StringVar(&trustGenesis, "trust", "", "the chain's genesis.json")
	var record bool
	var uri, publisher string
	ocds := &cobra.Command{
		Use:   "ocds OCID",
		Short: "Print a tender's OCDS 1.1 release package (or, with --record, record package with its compiled release)",
		Long: `ocds reads the tender's records from --node and prints them as an OCDS 1.1
release package, or with --record a record package whose record carries the
releases and the compiled release (docs/procurement.md has the mapping).
Amounts are exact decimals of yuan.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := tenderOfOCID(args[0])
			if err != nil {
				return err
			}
			r := &provenReader{ctx: cmd.Context(), c: g.client()}
			p, err := procurement.LoadProcess(r, id)
			if r.err != nil {
				return r.err
			}
			if err != nil {
				return err
			}
			st, err := g.client().Status(cmd.Context())
			if err != nil {
				return err
			}
			published, err := time.Parse(time.RFC3339Nano, st.LatestTime)
			if err != nil {
				return err
			}
			pub := procurement.Publisher{Name: publisher}
			var v any = procurement.NewReleasePackage(uri+p.Tender.OCID, pub, published, procurement.Releases(p))
			if record {
				v = procurement.NewRecordPackage(uri+p.Tender.OCID, pub, published, []*procurement.Process{p})
			}
			enc := json.NewEncoder(g.stdout)
			enc.SetIndent("", "  ")
			return enc.Encode(v)
		},
	}
	ocds.Flags().BoolVar(&record, "record", false, "print the record package with the compiled release")
	ocds.Flags().StringVar(&uri, "uri", "https://example.gov/ocds/", "the package uri's prefix (the ocid is appended)")
	ocds.Flags().StringVar(&publisher, "publisher", "govchain", "the publisher's name")
	var tender, amount uint64
	var supplier, document, salt string
	seal := &cobra.Command{
		Use:   "bid-hash",
		Short: "Print the commitment of a sealed bid (the hash commit-bid takes), computed locally",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			doc, err := hex.DecodeString(document)
			if err != nil || len(doc) != 32 {
				return usageErr("--document: SHA-256 of the technical offer, 64 hex digits")
			}
			sl, err := hex.DecodeString(salt)
			if err != nil || len(sl) < 16 || len(sl) > 64 {
				return usageErr("--salt: 16 to 64 bytes in hex, kept secret until the reveal")
			}
			if tender == 0 || amount == 0 || supplier == "" {
				return usageErr("give --tender, --supplier and --amount")
			}
			h := hex.EncodeToString(procurement.BidHash(tender, supplier, amount, doc, sl))
			return g.print(map[string]string{"hash": h}, func(w io.Writer) { fmt.Fprintln(w, h) })
		},
	}
	seal.Flags().Uint64Var(&tender, "tender", 0, "tender id")
	seal.Flags().StringVar(&supplier, "supplier", "", "the supplier's account address")
	seal.Flags().Uint64Var(&amount, "amount", 0, "bid price in fen")
	seal.Flags().StringVar(&document, "document", "", "SHA-256 of the technical offer (hex)")
	seal.Flags().StringVar(&salt, "salt", "", "a secret random salt, 16-64 bytes (hex)")
	cmd.AddCommand(export, verifyC, ocds, seal)
	return cmd
}

// tenderOfOCID reads the tender id at the end of an ocid
// (<prefix>-<id>).
func tenderOfOCID(ocid string) (uint64, error) {
	i := strings.LastIndexByte(ocid, '-')
	id, err := strconv.ParseUint(ocid[i+1:], 10, 64)
	if i < 0 || err != nil || id == 0 {
		return 0, usageErr("%q is not an ocid of this chain (<prefix>-<tender id>)", ocid)
	}
	return id, nil
}

// provenReader reads module state through a node's proven /v1/state at one
// height, keeping each answer: procurement.LoadProcess run over it reads
// exactly the records a process consists of.
type provenReader struct {
	ctx    context.Context
	c      *client.Client
	height int64
	proofs []json.RawMessage
	err    error
}

func (r *provenReader) Get(key []byte) ([]byte, bool) {
	if r.err != nil {
		return nil, false
	}
	var raw json.RawMessage
	k := procurement.Name + "/" + string(key)
	p := "/v1/state/" + k + "?prove=true"
	if r.height > 0 {
		p += "&height=" + strconv.FormatInt(r.height, 10)
	}
	if err := r.c.Get(r.ctx, p, &raw); err != nil {
		r.err = fmt.Errorf("%s: %w", k, err)
		return nil, false
	}
	sp, err := verify.ParseStateProof(raw)
	if err != nil {
		r.err = err
		return nil, false
	}
	if r.height == 0 {
		var h struct {
			Height int64 `json:"height"`
		}
		_ = json.Unmarshal(raw, &h)
		r.height = h.Height
	}
	r.proofs = append(r.proofs, raw)
	if sp.Value == nil {
		return nil, false
	}
	v, err := base64.StdEncoding.DecodeString(*sp.Value)
	if err != nil {
		r.err = err
		return nil, false
	}
	return v, true
}

func exportProcess(ctx context.Context, c *client.Client, id uint64) ([]json.RawMessage, error) {
	r := &provenReader{ctx: ctx, c: c}
	_, err := procurement.LoadProcess(r, id)
	if r.err != nil {
		return nil, r.err
	}
	return r.proofs, err
}

// verifiedState is module state made only of proven values.
type verifiedState map[string][]byte

func (s verifiedState) Get(key []byte) ([]byte, bool) {
	v, ok := s[procurement.Name+"/"+string(key)]
	return v, ok && v != nil
}

// verifyProcess checks every proof (one height), then rebuilds the process
// from the proven values alone and recomputes its ranking.
func verifyProcess(proofs []json.RawMessage, trust *verify.Trust, id uint64) ([]procurement.Ranked, *procurement.Process, error) {
	st := verifiedState{}
	var height int64
	for _, raw := range proofs {
		sp, err := verify.ParseStateProof(raw)
		if err != nil {
			return nil, nil, fmt.Errorf("%w: %w", verify.ErrMalformed, err)
		}
		res, err := verify.VerifyStateProof(sp, trust)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", sp.Key, err)
		}
		if height != 0 && res.Height != height {
			return nil, nil, fmt.Errorf("proofs of heights %d and %d", height, res.Height)
		}
		height = res.Height
		var v []byte
		if sp.Value != nil {
			if v, err = base64.StdEncoding.DecodeString(*sp.Value); err != nil {
				return nil, nil, err
			}
		}
		st[sp.Key] = v
	}
	// LoadProcess reads only what is proven: a missing record fails.
	p, err := procurement.LoadProcess(st, id)
	if err != nil {
		return nil, nil, err
	}
	ranking, err := procurement.Recompute(p)
	return ranking, p, err
}
