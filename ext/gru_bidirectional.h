/* Rindow\NeuralNetworks\Layer\Bidirectional: a GRU run both ways, outputs merged. */
#ifndef PHP_GRU_BIDIRECTIONAL_H
#define PHP_GRU_BIDIRECTIONAL_H

#include "php.h"

extern zend_class_entry *php_gru_bidirectional_ce;

/* Registers the class; called from MINIT after the GRU class. */
void php_gru_register_bidirectional_class(void);

#endif /* PHP_GRU_BIDIRECTIONAL_H */
