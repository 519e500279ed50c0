package web

// Full-text search: the results page /suche and GET /api/v1/search. Both
// call search.Index.Search with the topic fields the reader may see; the
// query syntax and the index are internal/search's (docs/SEARCH.md).

import (
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"kommunalforum/internal/search"
	"kommunalforum/internal/store"
)

// searchPerPage is the number of hits on a results page.
const searchPerPage = 20

// searchRoutes registers /suche and /api/v1/search.
func (s *Server) searchRoutes(r *gin.Engine, api *gin.RouterGroup) {
	r.GET("/suche", s.searchPage)
	api.GET("/search", s.apiSearch)
}

// searchPage is the results page.
type searchPage struct {
	Base
	Q       string
	ByDate  bool
	Error   string // the query's problem, translated; no results then
	Result  search.Result
	Hits    []searchHit
	Facets  []facetGroup
	Pages   pagination
	Sorts   []sortLink
	Unavail bool // no index configured
	// SuggestionURL searches for Result.Suggestion.
	SuggestionURL string
}

// searchHit is what the page shows of one hit, with its snippet marked
// safe: search escapes the text and adds only <mark>. The fields are its
// own rather than promoted from an embedded search.Hit: text/template
// finds a promoted field by reflect's breadth-first search over the
// embedded structs, which allocates, and did so eight times per hit
// (6 % of what a search request allocated).
type searchHit struct {
	URL, Title, FieldName, AuthorName string
	Typ                               string // frage, diskussion, pm, faq
	Status                            string // offen, beantwortet, geloest or ""
	Official                          bool
	CreatedAt                         time.Time
	Snippet                           template.HTML
}

func newSearchHit(h search.Hit) searchHit {
	return searchHit{URL: h.URL(), Title: h.Title, FieldName: h.FieldName, AuthorName: h.AuthorName,
		Typ: search.Typ(h.Kind), Status: h.Status, Official: h.Official, CreatedAt: h.CreatedAt,
		Snippet: template.HTML(h.SnippetHTML)} // #nosec G203 -- built by search from html.EscapeString'd text and literal <mark> tags
}

// facetGroup is one filter's facet values as links.
type facetGroup struct {
	Key   string
	Items []facetLink
}

type facetLink struct {
	Value  string
	Label  string // the topic field's name; other labels come from the catalogue
	Count  int
	URL    string // adds the filter, or removes it when Active
	Active bool
}

type sortLink struct {
	Key     string // relevanz, datum
	URL     string
	Current bool
}

// searchURL is the results page for q, sorted by date if byDate.
func searchURL(q string, byDate bool) string {
	v := url.Values{"q": {q}}
	if byDate {
		v.Set("sort", "datum")
	}
	return "/suche?" + v.Encode()
}

// searchPage serves GET /suche?q=...&sort=datum&seite=N.
func (s *Server) searchPage(c *gin.Context) {
	q := strings.TrimSpace(c.Query("q"))
	p := searchPage{Base: s.base(c, s.t(c, "search.title")), Q: q, ByDate: c.Query("sort") == "datum"}
	p.NoIndex = true
	if q != "" {
		p.Title = s.t(c, "search.title_for", q)
	}
	for _, k := range []string{"relevanz", "datum"} {
		p.Sorts = append(p.Sorts, sortLink{Key: k, URL: searchURL(q, k == "datum"), Current: (k == "datum") == p.ByDate})
	}
	if s.opt.Search == nil {
		p.Unavail = true
		s.render(c, http.StatusOK, "search", p)
		return
	}
	status := http.StatusOK
	res, err := s.search(c, q, p.ByDate, pageParam(c), searchPerPage)
	var qe *search.Error
	switch {
	case errors.As(err, &qe):
		// The page with the form again and what to correct; nothing was found.
		p.Error, status = s.t(c, qe.Key, qe.Args...), http.StatusBadRequest
	case err != nil:
		s.fail(c, err)
		return
	}
	p.Result = res
	for _, h := range res.Hits {
		p.Hits = append(p.Hits, newSearchHit(h))
	}
	if res.Suggestion != "" {
		p.SuggestionURL = searchURL(res.Suggestion, p.ByDate)
	}
	p.Facets = facetGroups(res, p.ByDate)
	p.Pages = paginate(searchURL(q, p.ByDate), max(1, pageParam(c)), search.Pages(res.Total, searchPerPage))
	s.render(c, status, "search", p)
}

// facetGroups turns the result's facets into links that add their filter
// to the query (or, for a filter already in it, remove it).
func facetGroups(res search.Result, byDate bool) []facetGroup {
	var out []facetGroup
	for _, k := range search.FacetKeys {
		g := facetGroup{Key: k}
		for _, f := range res.Facets[k] {
			if k == "amtlich" && f.Value == "nein" {
				continue // "not official" narrows nothing anyone looks for
			}
			l := facetLink{Value: f.Value, Label: f.Label, Count: f.Count}
			q := res.Query
			filters := q.Filters[:0:0]
			for _, qf := range q.Filters {
				if qf.Key == k && qf.Value == f.Value && !qf.Neg {
					l.Active = true
					continue
				}
				filters = append(filters, qf)
			}
			if !l.Active {
				filters = append(filters, search.Filter{Key: k, Value: f.Value})
			}
			q.Filters = filters
			l.URL = searchURL(q.String(), byDate)
			g.Items = append(g.Items, l)
		}
		if len(g.Items) > 0 {
			out = append(out, g)
		}
	}
	return out
}

// search runs q for the request's reader.
func (s *Server) search(c *gin.Context, q string, byDate bool, page, per int) (search.Result, error) {
	ctx := c.Request.Context()
	v := reader(c)
	all, err := s.db.TopicFields(ctx, store.Viewer{AllFields: true}, true)
	if err != nil {
		return search.Result{}, err
	}
	// The reader's fields are those of all they may see, by SeesField's Go
	// twin: one query per search instead of two (each was 3 % of a
	// search's CPU at 64 connections).
	fields := slices.DeleteFunc(slices.Clone(all), func(f store.TopicField) bool { return !v.SeesFieldGroup(f.GroupID) })
	return s.opt.Search.Search(ctx, search.Request{Query: q, Viewer: v, Fields: fields, AllFields: all, ByDate: byDate,
		Page: page, PerPage: per})
}

// apiSearchResult answers GET /api/v1/search.
type apiSearchResult struct {
	Total  int                   `json:"total"`
	Hits   []apiSearchHit        `json:"hits"`
	Facets map[string][]apiFacet `json:"facets"` // themenfeld, typ, status, amtlich
	Page   int                   `json:"page"`
	Pages  int                   `json:"pages"`
	// Suggestion is the corrected query when the hits allow one typo per
	// longer word because the query as typed found nothing.
	Suggestion string `json:"suggestion,omitempty"`
	// Building: the index is being rebuilt, results may be incomplete.
	Building bool `json:"building"`
}

type apiSearchHit struct {
	ThreadID       int64  `json:"thread_id"` // an FAQ entry's source thread, 0 if none
	PostID         int64  `json:"post_id"`   // 0 for an FAQ entry
	FAQID          int64  `json:"faq_id,omitempty"`
	Title          string `json:"title"`
	TopicField     string `json:"topic_field"` // slug
	TopicFieldName string `json:"topic_field_name"`
	Kind           string `json:"kind"`             // discussion, question, pm_question, faq
	Status         string `json:"status,omitempty"` // offen, beantwortet, geloest
	Official       bool   `json:"official"`
	Author         string `json:"author"`
	Date           string `json:"date"`
	SnippetHTML    string `json:"snippet_html"`
	URL            string `json:"url"`
}

type apiFacet struct {
	Value string `json:"value"`
	Label string `json:"label,omitempty"`
	Count int    `json:"count"`
}

// apiSearch serves GET /api/v1/search?q=...&page=N[&per_page=M][&sort=date].
// A query with a syntax problem is a 400 with the German explanation.
func (s *Server) apiSearch(c *gin.Context) {
	page, per, ok := apiPaging(c)
	if !ok || page > search.MaxPage {
		s.failStatus(c, http.StatusBadRequest, "error.bad_request")
		return
	}
	if s.opt.Search == nil {
		s.failStatus(c, http.StatusServiceUnavailable, "search.unavailable")
		return
	}
	sort := c.DefaultQuery("sort", "relevance")
	if sort != "relevance" && sort != "date" {
		s.failStatus(c, http.StatusBadRequest, "error.bad_request")
		return
	}
	res, err := s.search(c, strings.TrimSpace(c.Query("q")), sort == "date", page, per)
	var qe *search.Error
	if errors.As(err, &qe) {
		s.queryProblem(c, qe)
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	out := apiSearchResult{Total: res.Total, Hits: []apiSearchHit{}, Facets: map[string][]apiFacet{}, Page: page,
		Pages: search.Pages(res.Total, per), Suggestion: res.Suggestion, Building: res.Building}
	for _, h := range res.Hits {
		out.Hits = append(out.Hits, apiSearchHit{ThreadID: h.ThreadID, PostID: h.PostID, FAQID: h.FAQID, Title: h.Title,
			TopicField: h.FieldSlug, TopicFieldName: h.FieldName, Kind: h.Kind, Status: h.Status, Official: h.Official,
			Author: h.AuthorName, Date: h.CreatedAt.UTC().Format(time.RFC3339), SnippetHTML: h.SnippetHTML, URL: h.URL()})
	}
	for _, k := range search.FacetKeys {
		out.Facets[k] = []apiFacet{}
		for _, f := range res.Facets[k] {
			out.Facets[k] = append(out.Facets[k], apiFacet{Value: f.Value, Label: f.Label, Count: f.Count})
		}
	}
	c.Header("Cache-Control", "no-store")
	s.writeJSON(c, http.StatusOK, out)
}

// queryProblem answers a bad query as problem JSON (400) whose detail says
// what to correct, with the query's words filled in.
func (s *Server) queryProblem(c *gin.Context, qe *search.Error) {
	body, _ := jsonMarshal(problem{Type: "about:blank", Title: http.StatusText(http.StatusBadRequest),
		Status: http.StatusBadRequest, Detail: s.t(c, qe.Key, qe.Args...), Instance: c.Request.URL.Path})
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusBadRequest, "application/problem+json", body)
}
