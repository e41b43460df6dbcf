package client

import (
	"context"
	"net/url"
	"strconv"
	"strings"

	"github.com/govchain/govchain/api/apitype"
)

// Path builds an API path of a module query from its segments, escaping
// each: Path("registry", "parcels", "BJ-001") = "/v1/registry/parcels/BJ-001".
func Path(module string, segments ...string) string {
	var b strings.Builder
	b.WriteString("/v1/")
	b.WriteString(url.PathEscape(module))
	for _, s := range segments {
		b.WriteByte('/')
		b.WriteString(url.PathEscape(s))
	}
	return b.String()
}

// ReadOptions choose the height a query reads at, and a list's page.
type ReadOptions struct {
	Height int64  // 0: the latest (with proofs, the newest signed height)
	Limit  int    // 0: the server's default page size
	After  string // a previous page's Next
}

// Query is the query string of a read with these options ("" or
// "?height=...&prove=true...").
func (o ReadOptions) Query(prove bool) string {
	q := url.Values{}
	if o.Height > 0 {
		q.Set("height", strconv.FormatInt(o.Height, 10))
	}
	if prove {
		q.Set("prove", "true")
	}
	if o.Limit > 0 {
		q.Set("limit", strconv.Itoa(o.Limit))
	}
	if o.After != "" {
		q.Set("after", o.After)
	}
	if len(q) == 0 {
		return ""
	}
	return "?" + q.Encode()
}

func readOpts(opts []ReadOptions) ReadOptions {
	if len(opts) == 0 {
		return ReadOptions{}
	}
	return opts[0]
}

// Query reads one record of a module query into a T (the module's record
// type, e.g. registry.Parcel):
//
//	p, err := client.Query[registry.Parcel](ctx, c, client.Path("registry", "parcels", "BJ-001"))
func Query[T any](ctx context.Context, c *Client, path string, opts ...ReadOptions) (*T, error) {
	var t T
	return &t, c.Get(ctx, path+readOpts(opts).Query(false), &t)
}

// Proven reads one record with its state proof. Before trusting the
// record, check it offline: verify.VerifyRecord with the chain's record
// decoder (modules.DecodeRecord, or one built from docs/proofs.md) checks the
// proof and that the record is exactly the proven value.
func Proven[T any](ctx context.Context, c *Client, path string, opts ...ReadOptions) (*apitype.Proven[T], error) {
	var p apitype.Proven[T]
	return &p, c.Get(ctx, path+readOpts(opts).Query(true), &p)
}

// List reads one page of a list query.
func List[T any](ctx context.Context, c *Client, path string, opts ...ReadOptions) (*apitype.Page[T], error) {
	var p apitype.Page[T]
	return &p, c.Get(ctx, path+readOpts(opts).Query(false), &p)
}

// ListProven reads one page of a list query, each item with its proof.
func ListProven[T any](ctx context.Context, c *Client, path string, opts ...ReadOptions) (*apitype.Page[apitype.Proven[T]], error) {
	var p apitype.Page[apitype.Proven[T]]
	return &p, c.Get(ctx, path+readOpts(opts).Query(true), &p)
}

// ListAll reads every page of a list query (at most max items; 0 = no
// bound).
func ListAll[T any](ctx context.Context, c *Client, path string, max int) ([]T, error) {
	var out []T
	o := ReadOptions{}
	for {
		p, err := List[T](ctx, c, path, o)
		if err != nil {
			return out, err
		}
		out = append(out, p.Items...)
		if p.Next == "" || (max > 0 && len(out) >= max) {
			return out, nil
		}
		o.After = p.Next
	}
}
