package suite

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// EchoHandler returns the scoring benchmarks' bare endpoint: a gin engine
// whose POST /echo decodes the JSON body into a map and encodes it back,
// the floor any JSON API pays. It sets gin's release mode.
func EchoHandler() http.Handler {
	gin.SetMode(gin.ReleaseMode)
	echo := gin.New()
	echo.POST("/echo", func(c *gin.Context) {
		var v any
		if err := c.ShouldBindJSON(&v); err != nil {
			c.JSON(http.StatusBadRequest, gin.H{"error": err.Error()})
			return
		}
		c.JSON(http.StatusOK, v)
	})
	return echo
}
