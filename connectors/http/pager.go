package http

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/connectors"
	"github.com/vn-registries/dq/connectors/jsonkind"
)

// Pagination styles.
const (
	pageStyle   = "page"
	offsetStyle = "offset"
	cursorStyle = "cursor"
	linkStyle   = "link"
	noneStyle   = "none"
)

// CKAN's datastore_search.
const (
	ckanPath    = "/api/3/action/datastore_search"
	ckanRecords = "result.records"
	ckanTotal   = "result.total"
)

// pager says which URL comes next and when the dataset is done.
type pager struct {
	style    string
	path     *url.URL          // under the base URL, maybe with a query
	params   map[string]string // the fixed query
	endpoint *url.URL          // base URL + path, with the fixed query (at)
	records  string

	pageParam, sizeParam, offsetParam, cursorParam, cursorField string
	size                                                        int
	ckan                                                        bool
	maxPages                                                    int

	n      int // pages fetched
	pageNo int
	offset int64
	cursor string
	next   *url.URL
	done   bool
}

// newPager validates the dataset's http: options h; they need no source,
// until at places them under its base URL.
func newPager(ds *config.Dataset, h Dataset) (*pager, error) {
	bad := func(format string, args ...any) error {
		return connectors.Misconfigured(ds.Errorf("http", format, args...))
	}
	p := &pager{
		style:       h.Pagination,
		records:     h.Records,
		pageParam:   h.PageParam,
		sizeParam:   h.SizeParam,
		offsetParam: h.OffsetParam,
		cursorParam: h.CursorParam,
		cursorField: h.CursorField,
		size:        h.PageSize,
		ckan:        h.CKAN,
		maxPages:    h.MaxPages,
		pageNo:      1,
	}
	path := h.Path
	if path == "" {
		path = ds.Path
	}
	if h.CKAN {
		if path == "" {
			path = ckanPath
		}
		if p.records == "" {
			p.records = ckanRecords
		}
		if p.style != "" && p.style != offsetStyle {
			return nil, bad("ckan: true pages by offset, not pagination: %s", p.style)
		}
		p.style = offsetStyle
		if p.offsetParam == "" {
			p.offsetParam = "offset"
		}
		if p.sizeParam == "" {
			p.sizeParam = "limit"
		}
		if p.size == 0 {
			p.size = DefaultCKANPageSize
		}
		if h.Params["resource_id"] == "" {
			return nil, bad("ckan: true needs params: resource_id:")
		}
	}
	switch p.style {
	case "":
		p.style = noneStyle
	case noneStyle, linkStyle:
	case pageStyle:
		if p.pageParam == "" {
			p.pageParam = "page"
		}
		if p.sizeParam == "" {
			p.sizeParam = "per_page"
		}
	case offsetStyle:
		if p.offsetParam == "" {
			p.offsetParam = "offset"
		}
		if p.sizeParam == "" {
			p.sizeParam = "limit"
		}
	case cursorStyle:
		if p.cursorField == "" {
			return nil, bad("pagination: cursor needs cursor_field: (the path of the next cursor in the body)")
		}
		if p.cursorParam == "" {
			p.cursorParam = "cursor"
		}
	default:
		return nil, bad("unknown pagination %q (page, offset, cursor, link, none)", p.style)
	}
	if p.size < 0 {
		return nil, bad("page_size must be positive")
	}
	if p.size == 0 {
		p.size = DefaultPageSize
	}
	if p.maxPages < 0 {
		return nil, bad("max_pages must be positive")
	}
	if p.maxPages == 0 {
		p.maxPages = DefaultMaxPages
	}

	ref, err := url.Parse(path)
	if err != nil || ref.IsAbs() || ref.Host != "" {
		return nil, bad("path %q must be a path under the base URL", path)
	}
	for k := range h.Params {
		if k != "" && (k == p.pageParam || k == p.offsetParam || k == p.cursorParam || k == p.sizeParam) {
			return nil, bad("params: %s is set by the pagination", k)
		}
	}
	p.path, p.params = ref, h.Params
	return p, nil
}

// at places the pages under base: the endpoint is the path under it, with
// base's query, the path's and params:.
func (p *pager) at(base *url.URL) {
	ep := *base
	if p.path.Path != "" {
		ep.Path = strings.TrimRight(ep.Path, "/") + "/" + strings.TrimLeft(p.path.Path, "/")
		ep.RawPath = ""
	}
	q := ep.Query()
	for k, v := range p.path.Query() {
		q[k] = v
	}
	for k, v := range p.params {
		q.Set(k, v)
	}
	ep.RawQuery = q.Encode()
	p.endpoint = &ep
}

// keep names the query parameters that may show in messages.
func (p *pager) keep() map[string]bool {
	k := map[string]bool{}
	for _, n := range []string{p.pageParam, p.sizeParam, p.offsetParam} {
		if n != "" {
			k[n] = true
		}
	}
	return k
}

// request is the URL of the next page and a label for messages.
func (p *pager) request() (*url.URL, string) {
	label := "page " + strconv.Itoa(p.n+1)
	if p.style == linkStyle && p.next != nil {
		return p.next, label
	}
	u := *p.endpoint
	q := u.Query()
	switch p.style {
	case pageStyle:
		q.Set(p.pageParam, strconv.Itoa(p.pageNo))
	case offsetStyle:
		q.Set(p.offsetParam, strconv.FormatInt(p.offset, 10))
	case cursorStyle:
		if p.cursor != "" {
			q.Set(p.cursorParam, p.cursor)
		}
	}
	if p.sizeParam != "" {
		q.Set(p.sizeParam, strconv.Itoa(p.size))
	}
	u.RawQuery = q.Encode()
	return &u, label
}

// advance takes in the page just read (at u, with n records) and decides
// the next one. An error means more pages exist that cannot be reached.
func (p *pager) advance(u *url.URL, body []byte, header http.Header, n int) error {
	p.n++
	switch p.style {
	case noneStyle:
		p.done = true
	case pageStyle:
		p.done = n == 0 || n < p.size
		p.pageNo++
	case offsetStyle:
		p.offset += int64(n)
		p.done = n == 0
		if p.ckan {
			if total, ok := ckanTotalOf(body); ok {
				p.done = p.done || p.offset >= total
				break
			}
		}
		p.done = p.done || n < p.size
	case cursorStyle:
		raw, present, err := lookup(body, p.cursorField)
		if err != nil {
			return err
		}
		if !present || jsonkind.Of(raw) == jsonkind.Null {
			p.done = true
			break
		}
		next, ok := scalarText(raw)
		if !ok {
			return fmt.Errorf("cursor %s is %s, not a string or number", p.cursorField, jsonkind.Of(raw).String())
		}
		if next == "" {
			p.done = true
			break
		}
		if next == p.cursor {
			return fmt.Errorf("cursor %s did not change; the API would send the same page forever", p.cursorField)
		}
		p.cursor = next
	case linkStyle:
		next := nextLink(header.Values("Link"))
		if next == "" {
			p.done = true
			break
		}
		nu, err := u.Parse(next)
		if err != nil {
			return fmt.Errorf("bad Link rel=next: %v", err)
		}
		if nu.Scheme != p.endpoint.Scheme || nu.Host != p.endpoint.Host {
			// The token goes with every request: never to another host.
			return fmt.Errorf("the Link rel=next points to %s://%s, not the base URL's host; not followed", nu.Scheme, nu.Host)
		}
		if nu.String() == u.String() {
			return fmt.Errorf("the Link rel=next points to the same page")
		}
		p.next = nu
	}
	if !p.done && p.n >= p.maxPages {
		return fmt.Errorf("more than max_pages (%d) pages; raise max_pages: to read them all", p.maxPages)
	}
	return nil
}

func ckanTotalOf(body []byte) (int64, bool) {
	raw, present, err := lookup(body, ckanTotal)
	if err != nil || !present || jsonkind.Of(raw) != jsonkind.Int {
		return 0, false
	}
	var total int64
	if json.Unmarshal(raw, &total) != nil {
		return 0, false
	}
	return total, true
}

// nextLink finds the rel="next" target in Link headers (RFC 8288):
// `<https://api/x?page=2>; rel="next", <...>; rel="last"`.
func nextLink(values []string) string {
	for _, h := range values {
		for {
			i := strings.IndexByte(h, '<')
			if i < 0 {
				break
			}
			j := strings.IndexByte(h[i:], '>')
			if j < 0 {
				break
			}
			target := h[i+1 : i+j]
			h = h[i+j+1:]
			params := h
			if k := strings.IndexByte(h, '<'); k >= 0 {
				params = h[:k]
			}
			for _, param := range strings.Split(params, ";") {
				name, value, ok := strings.Cut(strings.TrimSpace(param), "=")
				if !ok || !strings.EqualFold(strings.TrimSpace(name), "rel") {
					continue
				}
				value = strings.Trim(strings.TrimSpace(strings.TrimRight(strings.TrimSpace(value), ",")), `"`)
				for _, rel := range strings.Fields(value) {
					if strings.EqualFold(rel, "next") {
						return target
					}
				}
			}
		}
	}
	return ""
}
