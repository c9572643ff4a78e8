/* Must not compile with the model's include path: the maths knows no igraph
 * (only graph USES it). */
#include <igraph.h>
