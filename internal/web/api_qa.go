package web

// The JSON API of questions and answers (docs/API.md): votes, the accepted
// answer and duplicates. The handlers call the same package qa functions as
// the HTML forms in qa.go; errors are problem JSON via s.fail.

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"kommunalforum/internal/store"
)

// apiVoteBody is the body of POST /api/v1/posts/:id/votes. A pointer, so
// a missing value is refused instead of read as 0 (withdraw).
type apiVoteBody struct {
	Value *int `json:"value"` // 1, -1 or 0
}

// apiVoteResult answers POST /api/v1/posts/:id/votes.
type apiVoteResult struct {
	PostID int64 `json:"post_id"`
	Score  int   `json:"score"`
	MyVote int   `json:"my_vote"`
}

// apiAcceptBody is the body of POST /api/v1/threads/:id/accept.
type apiAcceptBody struct {
	PostID *int64 `json:"post_id"` // 0 withdraws the acceptance
}

// apiQuestionState answers POST /api/v1/threads/:id/accept and /duplicate.
type apiQuestionState struct {
	ThreadID       int64  `json:"thread_id"`
	AcceptedPostID *int64 `json:"accepted_post_id"` // null when none is accepted
	DuplicateOf    *int64 `json:"duplicate_of"`     // null unless closed as a duplicate
	Status         string `json:"status"`           // offen, beantwortet, geloest
}

// apiDuplicateBody is the body of POST /api/v1/threads/:id/duplicate.
type apiDuplicateBody struct {
	CanonicalID *int64 `json:"canonical_id"` // 0 reopens the question
}

// apiVote serves POST /api/v1/posts/:id/votes.
func (s *Server) apiVote(c *gin.Context) {
	var in apiVoteBody
	if !s.decodeJSON(c, &in) {
		return
	}
	if in.Value == nil {
		s.failStatus(c, http.StatusBadRequest, "error.bad_json")
		return
	}
	id := apiID(c)
	score, err := s.qa.Vote(c.Request.Context(), viewer(c), id, *in.Value)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.writeJSON(c, http.StatusOK, apiVoteResult{PostID: id, Score: score, MyVote: *in.Value})
}

// apiAccept serves POST /api/v1/threads/:id/accept.
func (s *Server) apiAccept(c *gin.Context) {
	var in apiAcceptBody
	if !s.decodeJSON(c, &in) {
		return
	}
	if in.PostID == nil || *in.PostID < 0 {
		s.failStatus(c, http.StatusBadRequest, "error.bad_json")
		return
	}
	t, err := s.qa.Accept(c.Request.Context(), viewer(c), apiID(c), *in.PostID)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.writeJSON(c, http.StatusOK, newAPIQuestionState(t))
}

// apiDuplicate serves POST /api/v1/threads/:id/duplicate (moderators).
func (s *Server) apiDuplicate(c *gin.Context) {
	var in apiDuplicateBody
	if !s.decodeJSON(c, &in) {
		return
	}
	if in.CanonicalID == nil || *in.CanonicalID < 0 {
		s.failStatus(c, http.StatusBadRequest, "error.bad_json")
		return
	}
	t, err := s.qa.CloseDuplicate(c.Request.Context(), viewer(c), apiID(c), *in.CanonicalID)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.writeJSON(c, http.StatusOK, newAPIQuestionState(t))
}

func newAPIQuestionState(t store.Thread) apiQuestionState {
	return apiQuestionState{ThreadID: t.ID, AcceptedPostID: idOrNull(t.AcceptedPostID), DuplicateOf: idOrNull(t.DuplicateOf), Status: t.Status()}
}
