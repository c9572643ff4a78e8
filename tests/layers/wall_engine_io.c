/* Must not compile with the engine's include path: the engine sees no io
 * (src/CMakeLists.txt). test_layers_wall_engine_io expects the stub's
 * #error. */
#include "io/yaml_read.h"
