package cli

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/govchain/govchain/crypto"
)

// keyInfo is what keys list/show print (never the private key).
type keyInfo struct {
	Name      string `json:"name"`
	Algorithm string `json:"algorithm"`
	Address   string `json:"address"`
	PublicKey string `json:"public_key"`
}

func infoOf(f crypto.KeyFile) keyInfo {
	return keyInfo{Name: f.Name, Algorithm: f.Algorithm, Address: f.Address, PublicKey: base64.StdEncoding.EncodeToString(f.PublicKey)}
}

func validKeyName(name string) error {
	if name == "" || len(name) > 64 || strings.ContainsAny(name, `/\ `) || strings.HasPrefix(name, ".") {
		return usageErr("key name %q: 1-64 characters, no slashes, spaces or leading dot", name)
	}
	return nil
}

// freeKeyName checks a name for a new key: valid and not taken.
func (g *globals) freeKeyName(name string) error {
	if err := validKeyName(name); err != nil {
		return err
	}
	if _, err := os.Lstat(g.homeDir().KeyFile(name)); err == nil {
		return g.keyExists(name)
	}
	return nil
}

// loadKey reads keys/<name>.json from the home.
func (g *globals) loadKey(name string) (*crypto.PrivateKey, error) {
	if err := validKeyName(name); err != nil {
		return nil, err
	}
	k, _, err := crypto.ReadKeyFile(g.homeDir().KeyFile(name))
	if errors.Is(err, os.ErrNotExist) {
		return nil, &exitError{ExitNotFound, fmt.Errorf("no key %q in %s", name, g.homeDir().KeysDir())}
	}
	return k, err
}

func keysCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{Use: "keys", Short: "Manage account keys in <home>/keys"}
	var algo string
	newC := &cobra.Command{
		Use: "new NAME", Short: "Generate a key", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := g.freeKeyName(args[0]); err != nil {
				return err
			}
			k, err := crypto.GenerateKey(algo, nil)
			if err != nil {
				return usageErr("%v", err)
			}
			return g.saveKey(args[0], k)
		},
	}
	newC.Flags().StringVar(&algo, "algo", crypto.AlgEd25519, "signature algorithm: ed25519 or sm2")
	list := &cobra.Command{
		Use: "list", Short: "List keys", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			files, _ := filepath.Glob(filepath.Join(g.homeDir().KeysDir(), "*.json"))
			sort.Strings(files)
			out := []keyInfo{}
			for _, p := range files {
				_, f, err := crypto.ReadKeyFile(p)
				if err != nil {
					fmt.Fprintf(g.stderr, "skipping %s: %v\n", p, err)
					continue
				}
				out = append(out, infoOf(f))
			}
			return g.print(out, func(w io.Writer) {
				for _, k := range out {
					fmt.Fprintf(w, "%-20s %s %s\n", k.Name, k.Address, k.Algorithm)
				}
			})
		},
	}
	show := &cobra.Command{
		Use: "show NAME", Short: "Show a key's address and public key", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if _, err := g.loadKey(args[0]); err != nil {
				return err
			}
			_, f, err := crypto.ReadKeyFile(g.homeDir().KeyFile(args[0]))
			if err != nil {
				return err
			}
			return g.printKey(f)
		},
	}
	var format string
	export := &cobra.Command{
		Use: "export NAME", Short: "Print the private key to stdout (--format json or pem)", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			k, err := g.loadKey(args[0])
			if err != nil {
				return err
			}
			fmt.Fprintln(g.stderr, "warning: this prints a private key; store it as you would a password")
			switch format {
			case "json":
				b, _ := json.MarshalIndent(k.ToFile(args[0]), "", "  ")
				_, err = fmt.Fprintln(g.stdout, string(b))
			case "pem":
				var b []byte
				if b, err = k.MarshalPEM(); err == nil {
					_, err = g.stdout.Write(b)
				}
			default:
				return usageErr("--format must be json or pem")
			}
			return err
		},
	}
	export.Flags().StringVar(&format, "format", "json", "json (govchain key file) or pem (PKCS#8, as OpenSSL/Tongsuo/gmssl write it)")
	imp := &cobra.Command{
		Use: "import NAME FILE", Short: "Import a key: a govchain key file, or a PKCS#8 PEM private key (Ed25519 or SM2)", Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := g.freeKeyName(args[0]); err != nil {
				return err
			}
			b, err := os.ReadFile(args[1])
			if err != nil {
				return err
			}
			var k *crypto.PrivateKey
			if strings.HasPrefix(strings.TrimSpace(string(b)), "-----BEGIN") {
				k, err = crypto.ParsePEMPrivateKey(b)
			} else {
				k, _, err = crypto.ReadKeyFile(args[1])
			}
			if err != nil {
				return err
			}
			return g.saveKey(args[0], k)
		},
	}
	cmd.AddCommand(newC, list, show, export, imp)
	return cmd
}

// keyExists is the error for a name already taken.
func (g *globals) keyExists(name string) error {
	return usageErr("a key named %s already exists in %s; choose another name or remove it", name, g.homeDir().KeysDir())
}

// saveKey writes k as keys/<name>.json (mode 0600, never overwriting) and
// prints it.
func (g *globals) saveKey(name string, k *crypto.PrivateKey) error {
	if err := os.MkdirAll(g.homeDir().KeysDir(), 0o700); err != nil {
		return err
	}
	f := k.ToFile(name)
	err := crypto.WriteKeyFile(g.homeDir().KeyFile(name), f)
	if errors.Is(err, os.ErrExist) {
		return g.keyExists(name)
	}
	if err != nil {
		return err
	}
	return g.printKey(f)
}

func (g *globals) printKey(f crypto.KeyFile) error {
	ki := infoOf(f)
	return g.print(ki, func(w io.Writer) {
		fmt.Fprintf(w, "name:       %s\naddress:    %s\nalgorithm:  %s\npublic key: %s\n", ki.Name, ki.Address, ki.Algorithm, ki.PublicKey)
	})
}
