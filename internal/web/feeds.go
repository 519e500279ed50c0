package web

import "github.com/gin-gonic/gin"

// feedRoutes registers RSS/Atom feeds, /metrics and the OpenAPI description.
func (s *Server) feedRoutes(r *gin.Engine, member, admin, api *gin.RouterGroup) {}
