package web

import "github.com/gin-gonic/gin"

// notifyRoutes registers subscription settings, digests and unsubscribe.
func (s *Server) notifyRoutes(r *gin.Engine, member, admin, api, apiMember *gin.RouterGroup) {}
