package web

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
)

// The OpenAPI 3.1 description of /api/v1, served at /api/v1/openapi.json.
// It is built in Go from the table apiOps rather than kept as a JSON file:
// the table reads like the endpoint list of docs/API.md, the shared object
// schemas are written once, and TestOpenAPIMatchesRoutes compares the
// table with the engine's routes, so the description cannot drift from
// the code. Response and body schemas follow the JSON structs of the api*
// handlers; docs/API.md keeps the prose.

// schema is a JSON Schema object of the description.
type schema = map[string]any

func ref(name string) schema { return schema{"$ref": "#/components/schemas/" + name} }
func str() schema            { return schema{"type": "string"} }
func integer() schema        { return schema{"type": "integer", "format": "int64"} }
func boolean() schema        { return schema{"type": "boolean"} }
func arr(items schema) schema {
	return schema{"type": "array", "items": items}
}
func enum(vals ...string) schema { return schema{"type": "string", "enum": vals} }
func nullable(s schema) schema   { return schema{"oneOf": []schema{s, {"type": "null"}}} }
func dateTime() schema           { return schema{"type": "string", "format": "date-time"} }

// object builds an object schema from name/schema pairs; names ending in
// "!" are required.
func object(pairs ...any) schema {
	props := schema{}
	var req []string
	for i := 0; i+1 < len(pairs); i += 2 {
		name := pairs[i].(string)
		if n, ok := strings.CutSuffix(name, "!"); ok {
			name = n
			req = append(req, name)
		}
		props[name] = pairs[i+1]
	}
	o := schema{"type": "object", "properties": props}
	if len(req) > 0 {
		o["required"] = req
	}
	return o
}

// apiSchemas are the objects of the API (components.schemas).
func apiSchemas() map[string]schema {
	return map[string]schema{
		"Problem": object("type!", str(), "title!", str(), "status!", schema{"type": "integer"}, "detail!", str(),
			"instance", str(), "errors", schema{"type": "object", "additionalProperties": str()}),
		"TopicField": object("slug!", str(), "name!", str(), "description!", str(), "thread_count!", schema{"type": "integer"},
			"last_activity!", nullable(dateTime()), "url!", str()),
		"RestrictedTopicField": object("slug!", str(), "name!", str(), "description!", str(), "thread_count!", schema{"type": "integer"},
			"last_activity!", nullable(dateTime()), "url!", str(), "group!", nullable(str())),
		"Post": object("id!", integer(), "thread_id!", integer(), "number!", schema{"type": "integer"}, "url!", str(),
			"author!", str(), "author_id!", integer(), "author_org!", str(), "body!", str(), "body_html!", str(),
			"created_at!", dateTime(), "edited_at!", nullable(dateTime()), "deleted!", boolean(), "score!", schema{"type": "integer"},
			"official!", boolean(), "official_version!", schema{"type": "integer"}, "official_at", dateTime(), "answering_body", str(),
			"hidden!", boolean(), "hidden_reason", str(), "pending", boolean()),
		"Thread": object("id!", integer(), "title!", str(), "url!", str(), "topic_field!", str(), "topic_field_name!", str(),
			"locked!", boolean(), "kind!", enum("discussion", "question", "pm_question"),
			"status!", enum("", "offen", "beantwortet", "geloest"), "accepted_post_id!", nullable(integer()),
			"duplicate_of!", nullable(integer()), "pm_status", enum("neu", "in_bearbeitung", "beantwortet"), "pm_assignee", str(),
			"pm_due_at", dateTime(), "pm_answered_at", dateTime(), "post_count!", schema{"type": "integer"},
			"created_at!", dateTime(), "last_post_at!", dateTime(), "posts!", arr(ref("Post")),
			"page!", schema{"type": "integer"}, "pages!", schema{"type": "integer"}, "per_page!", schema{"type": "integer"}),
		"NewThread": object("topic_field!", str(), "kind", enum("discussion", "question", "pm_question"), "title!", str(), "body!", str()),
		"CreatedThread": object("id!", integer(), "url!", str(), "title!", str(), "topic_field!", str(), "post_id!", integer(),
			"pending!", boolean()),
		"PostBody":      object("body!", str()),
		"CreatedPost":   object("id!", integer(), "url!", str(), "thread_id!", integer(), "pending!", boolean()),
		"VoteBody":      object("value!", schema{"type": "integer", "enum": []int{-1, 0, 1}}),
		"VoteResult":    object("post_id!", integer(), "score!", schema{"type": "integer"}, "my_vote!", schema{"type": "integer"}),
		"AcceptBody":    object("post_id!", integer()),
		"DuplicateBody": object("canonical_id!", integer()),
		"QuestionState": object("thread_id!", integer(), "accepted_post_id!", nullable(integer()), "duplicate_of!", nullable(integer()),
			"status!", str()),
		"SimilarList": object("items!", arr(object("id!", integer(), "title!", str(), "url!", str(), "topic_field!", str(),
			"topic_field_name!", str(), "status!", str(), "answers!", schema{"type": "integer"}))),
		"OfficialBody": object("answering_body", str()),
		"AssignBody":   object("assignee!", str()),
		"PMQuestion": object("id!", integer(), "title!", str(), "url!", str(), "topic_field!", str(), "status!", str(),
			"pm_status!", enum("neu", "in_bearbeitung", "beantwortet"), "asked_at!", dateTime(), "due_at!", nullable(dateTime()),
			"overdue!", boolean(), "assignee!", nullable(str()), "answered_at!", nullable(dateTime())),
		"PMQueue": object("items!", arr(ref("PMQuestion")), "total!", schema{"type": "integer"}, "page!", schema{"type": "integer"},
			"pages!", schema{"type": "integer"}, "per_page!", schema{"type": "integer"}),
		"FAQEntry": object("id!", integer(), "topic_field!", str(), "question!", str(), "answer!", str(), "answer_html!", str(),
			"state!", enum("draft", "published", "needs_review", "archived"), "position!", schema{"type": "integer"}, "owner!", str(),
			"review_by!", nullable(schema{"type": "string", "format": "date"}), "source_thread_id!", nullable(integer()),
			"source_post_id!", nullable(integer()), "url!", str(), "version!", schema{"type": "integer"},
			"updated_at!", dateTime(), "published_at!", nullable(dateTime())),
		"NewFAQ": object("topic_field", str(), "question", str(), "answer", str(), "review_by", schema{"type": "string", "format": "date"},
			"from_post", integer(), "publish", boolean()),
		"FAQPatch": object("question", str(), "answer", str(), "review_by", nullable(schema{"type": "string", "format": "date"}),
			"state", enum("draft", "published", "needs_review", "archived"), "position", schema{"type": "integer"}),
		"FlagBody": object("reason!", enum("spam", "off_topic", "inappropriate", "personal_data", "other"), "text", str()),
		"Flag": object("id!", integer(), "post_id!", integer(), "reason!", str(), "text!", str(), "reporter!", str(),
			"reporter_id!", integer(), "created_at!", dateTime()),
		"ReviewItem": object("post!", ref("Post"), "thread_title!", str(), "thread_url!", str(), "topic_field!", str(),
			"opening!", boolean(), "flags!", arr(ref("Flag"))),
		"Review": object("flagged!", arr(ref("ReviewItem")), "flagged_total!", schema{"type": "integer"},
			"pending!", arr(ref("ReviewItem")), "pending_total!", schema{"type": "integer"}),
		"ReasonBody": object("reason", str()),
		"MoveBody":   object("topic_field!", str(), "reason", str()),
		"ThreadState": object("id!", integer(), "url!", str(), "topic_field!", str(), "locked!", boolean(), "pinned!", boolean(),
			"hidden!", boolean(), "hidden_reason", str()),
		"SuspendBody": object("until", nullable(dateTime()), "reason!", str()),
		"Suspension": object("user_id!", integer(), "suspended!", boolean(), "until!", nullable(dateTime()), "indefinite!", boolean(),
			"reason", str()),
		"EmailBody": object("email!", str()),
		"Moderator": object("user_id!", integer(), "name!", str(), "role!", str(), "topic_field!", str(), "added!", boolean()),
		"AuditEntry": object("id!", integer(), "actor!", str(), "actor_id!", integer(), "action!", str(), "target_type!", str(),
			"target_id!", integer(), "detail!", str(), "created_at!", dateTime()),
		"GroupBody":   object("slug", str(), "name!", str()),
		"Group":       object("slug!", str(), "name!", str()),
		"GroupMember": object("group!", str(), "user_id!", integer(), "name!", str(), "added!", boolean()),
		"FieldPatch":  object("group!", nullable(str())),
		// Issue 5 (search) and issue 6 (mail settings, subscriptions).
		"SearchResult": object("total!", schema{"type": "integer"}, "hits!", arr(ref("SearchHit")),
			"facets!", schema{"type": "object", "description": "themenfeld, typ, status, amtlich",
				"additionalProperties": arr(object("value!", str(), "label", str(), "count!", schema{"type": "integer"}))},
			"page!", schema{"type": "integer"}, "pages!", schema{"type": "integer"}, "suggestion", str(), "building!", boolean()),
		"SearchHit": object("thread_id!", integer(), "post_id!", integer(), "faq_id", integer(), "title!", str(),
			"topic_field!", str(), "topic_field_name!", str(), "kind!", enum("discussion", "question", "pm_question", "faq"),
			"status", str(), "official!", boolean(), "author!", str(), "date!", dateTime(), "snippet_html!", str(), "url!", str()),
		"MailSettings": object("delivery!", enum("immediate", "daily", "weekly", "off"),
			"field_delivery!", enum("immediate", "daily", "weekly", "off"), "mail_consent!", boolean(),
			"consent_at", dateTime(), "consent_text", str(), "mail_disabled!", boolean()),
		"MailSettingsBody": object("delivery", enum("immediate", "daily", "weekly", "off"),
			"field_delivery", enum("immediate", "daily", "weekly", "off"), "mail_consent", boolean()),
		"SubscriptionBody": object("topic_field", str(), "thread_id", integer(),
			"level!", enum("watching", "tracking", "muted")),
		"Subscription": object("topic_field", str(), "thread_id", integer(), "title!", str(),
			"level!", enum("watching", "tracking", "muted"), "auto!", boolean(), "url!", str()),
		"SubscriptionList": object("subscriptions!", arr(ref("Subscription"))),
	}
}

// apiOp is one operation of the API.
type apiOp struct {
	method, path string // path in OpenAPI form: /threads/{id}
	summary      string
	auth         string   // "" public; else who may call it, for the description
	query        []string // query parameters (strings unless named page/per_page)
	body         string   // request schema name; "" for none
	status       int      // success status
	resp         schema   // success body; nil for none
	errors       []int
}

// apiOps lists every /api/v1 operation.
var apiOps = []apiOp{
	{method: "GET", path: "/openapi.json", summary: "This description (OpenAPI 3.1)", status: 200, resp: schema{"type": "object"}},
	{method: "GET", path: "/topic-fields", summary: "Active topic fields in display order", status: 200, resp: arr(ref("TopicField"))},
	{method: "GET", path: "/threads/{id}", summary: "A thread with one page of its posts", query: []string{"page", "per_page"},
		status: 200, resp: ref("Thread"), errors: []int{400, 404}},
	{method: "GET", path: "/similar", summary: "Up to 5 questions with similar titles", query: []string{"title"},
		status: 200, resp: ref("SimilarList"), errors: []int{400}},
	{method: "POST", path: "/threads", summary: "Open a thread (discussion, question or PM question)", auth: "members",
		body: "NewThread", status: 201, resp: ref("CreatedThread"), errors: []int{400, 401, 403, 413, 415, 422}},
	{method: "POST", path: "/threads/{id}/posts", summary: "Reply to a thread", auth: "members", body: "PostBody",
		status: 201, resp: ref("CreatedPost"), errors: []int{401, 403, 404, 409, 422}},
	{method: "PATCH", path: "/posts/{id}", summary: "Edit a post (a new revision)", auth: "the author, field moderators, admins; pm users for official answers",
		body: "PostBody", status: 200, resp: ref("Post"), errors: []int{401, 403, 404, 409, 422}},
	{method: "DELETE", path: "/posts/{id}", summary: "Soft-delete a post", auth: "the author, field moderators, admins",
		status: 204, errors: []int{401, 403, 404, 409}},
	{method: "POST", path: "/posts/{id}/votes", summary: "Vote on an answer (1, -1, 0 withdraws)", auth: "members",
		body: "VoteBody", status: 200, resp: ref("VoteResult"), errors: []int{401, 403, 404, 422}},
	{method: "POST", path: "/threads/{id}/accept", summary: "Accept an answer (0 withdraws)", auth: "the asker, field moderators",
		body: "AcceptBody", status: 200, resp: ref("QuestionState"), errors: []int{401, 403, 404, 422}},
	{method: "POST", path: "/threads/{id}/duplicate", summary: "Close a question as duplicate (0 reopens)", auth: "field moderators",
		body: "DuplicateBody", status: 200, resp: ref("QuestionState"), errors: []int{401, 403, 404, 422}},
	{method: "POST", path: "/posts/{id}/official", summary: "Mark an answer official", auth: "pm users",
		body: "OfficialBody", status: 200, resp: ref("Post"), errors: []int{401, 403, 404, 409}},
	{method: "GET", path: "/pm/queue", summary: "The PM work queue", auth: "pm users",
		query: []string{"status", "topic_field", "overdue", "page", "per_page"}, status: 200, resp: ref("PMQueue"), errors: []int{400, 401, 403}},
	{method: "POST", path: "/threads/{id}/assign", summary: "Assign a PM question", auth: "pm users",
		body: "AssignBody", status: 200, resp: ref("PMQuestion"), errors: []int{401, 403, 404, 422}},
	{method: "GET", path: "/faqs", summary: "FAQ entries of a field, or all published ones", query: []string{"topic_field"},
		status: 200, resp: arr(ref("FAQEntry")), errors: []int{404}},
	{method: "GET", path: "/faqs/{id}", summary: "One FAQ entry", status: 200, resp: ref("FAQEntry"), errors: []int{403, 404}},
	{method: "POST", path: "/faqs", summary: "Create an FAQ entry (or promote an answer)", auth: "field moderators",
		body: "NewFAQ", status: 201, resp: ref("FAQEntry"), errors: []int{401, 403, 404, 422}},
	{method: "PATCH", path: "/faqs/{id}", summary: "Change an FAQ entry", auth: "field moderators",
		body: "FAQPatch", status: 200, resp: ref("FAQEntry"), errors: []int{401, 403, 404, 422}},
	{method: "POST", path: "/posts/{id}/flags", summary: "Flag a post", auth: "members", body: "FlagBody",
		status: 201, resp: ref("Flag"), errors: []int{401, 403, 404, 409, 422}},
	{method: "GET", path: "/review", summary: "Open flags and posts awaiting approval", auth: "moderators, admins",
		status: 200, resp: ref("Review"), errors: []int{401, 404}},
	{method: "POST", path: "/threads/{id}/lock", summary: "Lock a thread", auth: "field moderators", body: "ReasonBody",
		status: 200, resp: ref("ThreadState"), errors: []int{401, 403, 404}},
	{method: "POST", path: "/threads/{id}/unlock", summary: "Unlock a thread", auth: "field moderators", body: "ReasonBody",
		status: 200, resp: ref("ThreadState"), errors: []int{401, 403, 404}},
	{method: "POST", path: "/threads/{id}/pin", summary: "Pin a thread", auth: "field moderators", body: "ReasonBody",
		status: 200, resp: ref("ThreadState"), errors: []int{401, 403, 404}},
	{method: "POST", path: "/threads/{id}/unpin", summary: "Unpin a thread", auth: "field moderators", body: "ReasonBody",
		status: 200, resp: ref("ThreadState"), errors: []int{401, 403, 404}},
	{method: "POST", path: "/threads/{id}/hide", summary: "Hide a thread (reason required)", auth: "field moderators", body: "ReasonBody",
		status: 200, resp: ref("ThreadState"), errors: []int{401, 403, 404, 422}},
	{method: "POST", path: "/threads/{id}/unhide", summary: "Show a hidden thread again", auth: "field moderators", body: "ReasonBody",
		status: 200, resp: ref("ThreadState"), errors: []int{401, 403, 404}},
	{method: "POST", path: "/threads/{id}/move", summary: "Move a thread to another field", auth: "moderators of both fields",
		body: "MoveBody", status: 200, resp: ref("ThreadState"), errors: []int{401, 403, 404, 422}},
	{method: "POST", path: "/posts/{id}/hide", summary: "Hide a post (reason required)", auth: "field moderators", body: "ReasonBody",
		status: 200, resp: ref("Post"), errors: []int{401, 403, 404, 422}},
	{method: "POST", path: "/posts/{id}/unhide", summary: "Show a hidden post again", auth: "field moderators", body: "ReasonBody",
		status: 200, resp: ref("Post"), errors: []int{401, 403, 404}},
	{method: "POST", path: "/users/{id}/suspend", summary: "Suspend a user's writing", auth: "moderators (members), admins",
		body: "SuspendBody", status: 200, resp: ref("Suspension"), errors: []int{401, 403, 404, 422}},
	{method: "POST", path: "/users/{id}/unsuspend", summary: "Lift a suspension", auth: "moderators (members), admins",
		status: 200, resp: ref("Suspension"), errors: []int{401, 403, 404}},
	{method: "POST", path: "/topic-fields/{slug}/moderators", summary: "Assign a moderator to a field", auth: "admins",
		body: "EmailBody", status: 201, resp: ref("Moderator"), errors: []int{401, 403, 404, 422}},
	{method: "GET", path: "/audit", summary: "The newest 200 audit log entries", auth: "moderators, admins",
		status: 200, resp: arr(ref("AuditEntry")), errors: []int{401, 404}},
	{method: "POST", path: "/groups", summary: "Create a group (protected areas)", auth: "admins", body: "GroupBody",
		status: 201, resp: ref("Group"), errors: []int{401, 403, 422}},
	{method: "POST", path: "/groups/{slug}/members", summary: "Add a member to a group", auth: "admins", body: "EmailBody",
		status: 201, resp: ref("GroupMember"), errors: []int{401, 403, 404, 422}},
	{method: "PATCH", path: "/topic-fields/{slug}", summary: "Restrict a field to a group or open it", auth: "admins",
		body: "FieldPatch", status: 200, resp: ref("RestrictedTopicField"), errors: []int{401, 403, 404, 422}},
	// Issue 5: search.
	{method: "GET", path: "/search", summary: "Full-text search over what the caller may read",
		query: []string{"q", "page", "per_page", "sort"}, status: 200, resp: ref("SearchResult"), errors: []int{400, 503}},
	// Issue 6: mail settings and subscriptions.
	{method: "GET", path: "/me/settings", summary: "The caller's mail delivery and consent", auth: "members",
		status: 200, resp: ref("MailSettings"), errors: []int{401}},
	{method: "PUT", path: "/me/settings", summary: "Change mail delivery and consent (omitted fields keep their value)", auth: "members", body: "MailSettingsBody",
		status: 200, resp: ref("MailSettings"), errors: []int{400, 401, 422}},
	{method: "GET", path: "/subscriptions", summary: "The caller's watched fields and threads", auth: "members",
		status: 200, resp: ref("SubscriptionList"), errors: []int{401}},
	{method: "PUT", path: "/subscriptions", summary: "Watch, track or mute a field or thread", auth: "members",
		body: "SubscriptionBody", status: 200, resp: ref("Subscription"), errors: []int{400, 401, 404, 422}},
}

// integerParams are the query parameters that take whole numbers.
var integerParams = map[string]bool{"page": true, "per_page": true}

// buildOpenAPI assembles the description for the server at base.
func buildOpenAPI(base string) schema {
	paths := schema{}
	for _, op := range apiOps {
		item, _ := paths[op.path].(schema)
		if item == nil {
			item = schema{}
			paths[op.path] = item
		}
		o := schema{"summary": op.summary, "operationId": operationID(op)}
		if op.auth != "" {
			o["description"] = "Who: " + op.auth + "."
			o["security"] = []schema{{"bearerToken": []string{}}, {"sessionCookie": []string{}}}
		} else {
			o["security"] = []schema{{}, {"bearerToken": []string{}}, {"sessionCookie": []string{}}}
		}
		var params []schema
		for _, seg := range strings.Split(op.path, "/") {
			if name, ok := strings.CutPrefix(seg, "{"); ok {
				name = strings.TrimSuffix(name, "}")
				t := str()
				if name == "id" {
					t = integer()
				}
				params = append(params, schema{"name": name, "in": "path", "required": true, "schema": t})
			}
		}
		for _, q := range op.query {
			t := str()
			if integerParams[q] {
				t = schema{"type": "integer", "minimum": 1}
			}
			params = append(params, schema{"name": q, "in": "query", "required": false, "schema": t})
		}
		if len(params) > 0 {
			o["parameters"] = params
		}
		if op.body != "" {
			o["requestBody"] = schema{"required": true, "content": schema{"application/json": schema{"schema": ref(op.body)}}}
		}
		responses := schema{}
		ok := schema{"description": http.StatusText(op.status)}
		if op.resp != nil {
			ok["content"] = schema{"application/json": schema{"schema": op.resp}}
		}
		responses[strconv.Itoa(op.status)] = ok
		for _, code := range op.errors {
			responses[strconv.Itoa(code)] = schema{"$ref": "#/components/responses/Problem"}
		}
		responses["500"] = schema{"$ref": "#/components/responses/Problem"}
		o["responses"] = responses
		item[strings.ToLower(op.method)] = o
	}
	return schema{
		"openapi": "3.1.0",
		"info": schema{
			"title":       "Kommunalforum API",
			"version":     "1",
			"description": "JSON API of Kommunalforum. Errors are RFC 9457 problem documents with a German detail. See docs/API.md.",
		},
		"servers": []schema{{"url": base + "/api/v1"}},
		"paths":   paths,
		"components": schema{
			"schemas": apiSchemas(),
			"responses": schema{"Problem": schema{
				"description": "An error as an RFC 9457 problem document.",
				"content":     schema{"application/problem+json": schema{"schema": ref("Problem")}},
			}},
			"securitySchemes": schema{
				"bearerToken":   schema{"type": "http", "scheme": "bearer", "description": "A personal API token (kf_…) from /konto."},
				"sessionCookie": schema{"type": "apiKey", "in": "cookie", "name": cookieSession},
			},
		},
	}
}

// operationID derives a stable ID: method plus the path's words.
func operationID(op apiOp) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(op.method))
	for _, seg := range strings.Split(op.path, "/") {
		seg = strings.Trim(seg, "{}")
		for w := range strings.FieldsFuncSeq(seg, func(r rune) bool { return r == '-' || r == '.' || r == '_' }) {
			b.WriteString(strings.ToUpper(w[:1]) + w[1:])
		}
	}
	return b.String()
}

// openAPI serves GET /api/v1/openapi.json. The description is built per
// request: it is small, rarely fetched, and so never stale in dev mode.
func (s *Server) openAPI(c *gin.Context) {
	body, err := json.MarshalIndent(buildOpenAPI(s.opt.BaseURL), "", "  ")
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Cache-Control", "public, max-age=3600")
	c.Data(http.StatusOK, "application/json; charset=utf-8", body)
}
