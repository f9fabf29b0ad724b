/* Rindow\NeuralNetworks\Layer\GRUCell: one GRU step, on the GRU's implementation. */
#ifndef PHP_GRU_CELL_H
#define PHP_GRU_CELL_H

#include "php.h"

extern zend_class_entry *php_gru_cell_ce;

/* Registers the class; called from MINIT. */
void php_gru_register_cell_class(void);

#endif /* PHP_GRU_CELL_H */
