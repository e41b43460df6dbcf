package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/govchain/govchain/verify"
)

// ExitUnverified means a proof did not verify.
const ExitUnverified = 5

func verifyCmd(g *globals) *cobra.Command {
	var trustGenesis, trustHeader, hashSuite string
	cmd := &cobra.Command{
		Use:   "verify receipt|state|log FILE",
		Short: "Check a receipt, state proof or log proof offline",
		Long: `verify checks a proof file without any network access: the proof itself, the
commitments it rests on, and the signed headers that carry them, following
validator-set changes with CometBFT's light client from what you trust: the
chain's genesis.json (--trust) or a header you trust (--trust-header, a light
block as GET /v1/light/{height} returns it). It prints what was proven, or
exits with code 5 and the reason.`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			var trust *verify.Trust
			var err error
			switch {
			case (trustGenesis == "") == (trustHeader == ""):
				return usageErr("give exactly one of --trust genesis.json or --trust-header FILE")
			case trustGenesis != "":
				trust, err = verify.TrustGenesis(trustGenesis)
			default:
				trust, err = verify.TrustLightBlock(trustHeader, hashSuite)
			}
			if err != nil {
				return err
			}
			b, err := os.ReadFile(args[1])
			if err != nil {
				return err
			}
			var res *verify.Result
			switch args[0] {
			case "receipt":
				var r verify.Receipt
				if err := json.Unmarshal(b, &r); err != nil {
					return &exitError{ExitUnverified, fmt.Errorf("%w: %w", verify.ErrMalformed, err)}
				}
				res, err = verify.VerifyReceipt(&r, trust)
			case "state":
				p, perr := stateProofOf(b)
				if perr != nil {
					return &exitError{ExitUnverified, fmt.Errorf("%w: %w", verify.ErrMalformed, perr)}
				}
				res, err = verify.VerifyStateProof(p, trust)
			case "log":
				var p verify.LogProof
				if err := json.Unmarshal(b, &p); err != nil {
					return &exitError{ExitUnverified, fmt.Errorf("%w: %w", verify.ErrMalformed, err)}
				}
				res, err = verify.VerifyLogProof(&p, trust)
			default:
				return usageErr("verify receipt, state or log, not %q", args[0])
			}
			if err != nil {
				return &exitError{ExitUnverified, fmt.Errorf("NOT VERIFIED: %w", err)}
			}
			return g.print(res, func(w io.Writer) { fmt.Fprintln(w, "verified:", res.Summary) })
		},
	}
	cmd.Flags().StringVar(&trustGenesis, "trust", "", "the chain's genesis.json")
	cmd.Flags().StringVar(&trustHeader, "trust-header", "", "a trusted light block (JSON of GET /v1/light/{height})")
	cmd.Flags().StringVar(&hashSuite, "hash-suite", "sha256", "with --trust-header: the chain's hash suite (genesis names it otherwise)")
	return cmd
}

// stateProofOf reads a state proof file: GET /v1/state/{key}?prove=true's
// answer, or a module record read with ?prove=true ({record, proof}), whose
// proof is checked (the record is the node's decoding of the proven value).
func stateProofOf(b []byte) (*verify.StateProof, error) {
	var proven struct {
		Record json.RawMessage    `json:"record"`
		Proof  *verify.StateProof `json:"proof"`
	}
	if err := json.Unmarshal(b, &proven); err == nil && proven.Record != nil && proven.Proof != nil {
		return proven.Proof, nil
	}
	var p verify.StateProof
	return &p, json.Unmarshal(b, &p)
}
