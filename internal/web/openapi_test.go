package web

import (
	"encoding/json"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"
)

// ginPath turns an OpenAPI path (/threads/{id}) into gin's form (/threads/:id).
func ginPath(p string) string {
	segs := strings.Split(p, "/")
	for i, seg := range segs {
		if name, ok := strings.CutPrefix(seg, "{"); ok {
			segs[i] = ":" + strings.TrimSuffix(name, "}")
		}
	}
	return strings.Join(segs, "/")
}

// TestOpenAPIMatchesRoutes walks the engine's routes and the served
// description: every /api/v1 route must be described and every described
// operation must exist, so the description cannot drift from the code.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	e := newTestEnv(t)
	w := e.get("/api/v1/openapi.json", nil)
	wantStatus(t, w, http.StatusOK, "GET /api/v1/openapi.json")
	if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type = %q", ct)
	}
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Servers []struct{ URL string }                `json:"servers"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &doc); err != nil {
		t.Fatalf("description is not JSON: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") || len(doc.Servers) != 1 || doc.Servers[0].URL != testBaseURL+"/api/v1" {
		t.Errorf("openapi %q, servers %v: want 3.x and %s/api/v1", doc.OpenAPI, doc.Servers, testBaseURL)
	}

	described := map[string]bool{}
	for p, ops := range doc.Paths {
		for method := range ops {
			described[strings.ToUpper(method)+" /api/v1"+ginPath(p)] = true
		}
	}
	routed := map[string]bool{}
	for _, r := range e.srv.engine.Routes() {
		if strings.HasPrefix(r.Path, "/api/v1/") && r.Method != http.MethodHead {
			routed[r.Method+" "+r.Path] = true
		}
	}
	var missing, extra []string
	for r := range routed {
		if !described[r] {
			missing = append(missing, r)
		}
	}
	for d := range described {
		if !routed[d] {
			extra = append(extra, d)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing) > 0 {
		t.Errorf("routes missing from the OpenAPI description (add them to apiOps in openapi.go):\n  %s", strings.Join(missing, "\n  "))
	}
	if len(extra) > 0 {
		t.Errorf("described operations without a route (remove them from apiOps or add the route):\n  %s", strings.Join(extra, "\n  "))
	}
}

// TestOpenAPIWellFormed checks what an OpenAPI tool would trip over: every
// $ref resolves, every path parameter is declared, operation IDs are unique.
func TestOpenAPIWellFormed(t *testing.T) {
	b, err := json.Marshal(buildOpenAPI(testBaseURL))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	comps := doc["components"].(map[string]any)
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if r, ok := v["$ref"].(string); ok {
				parts := strings.Split(strings.TrimPrefix(r, "#/components/"), "/")
				group, _ := comps[parts[0]].(map[string]any)
				if len(parts) != 2 || group[parts[1]] == nil {
					t.Errorf("$ref %q does not resolve", r)
				}
			}
			for _, x := range v {
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(doc)

	ids := map[string]string{}
	for p, item := range doc["paths"].(map[string]any) {
		for method, op := range item.(map[string]any) {
			o := op.(map[string]any)
			id, _ := o["operationId"].(string)
			if prev, dup := ids[id]; dup || id == "" {
				t.Errorf("%s %s: operationId %q empty or also used by %s", method, p, id, prev)
			}
			ids[id] = method + " " + p
			var declared []string
			params, _ := o["parameters"].([]any)
			for _, prm := range params {
				m := prm.(map[string]any)
				if m["in"] == "path" {
					declared = append(declared, m["name"].(string))
				}
			}
			for seg := range strings.SplitSeq(p, "/") {
				if name, ok := strings.CutPrefix(seg, "{"); ok && !slices.Contains(declared, strings.TrimSuffix(name, "}")) {
					t.Errorf("%s %s: path parameter %s not declared", method, p, name)
				}
			}
			if _, ok := o["responses"].(map[string]any); !ok {
				t.Errorf("%s %s: no responses", method, p)
			}
		}
	}
}
