package web

import "github.com/gin-gonic/gin"

// searchRoutes registers /suche and /api/v1/search.
func (s *Server) searchRoutes(r *gin.Engine, api *gin.RouterGroup) {}
