// Package qa owns questions and answers: votes, accepted answers, closing
// as duplicate, and questions to the programme management (PM) with their
// work queue, deadlines, official answers and response-time statistics.
package qa
