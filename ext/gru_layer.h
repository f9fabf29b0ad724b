/* Rindow\NeuralNetworks\Layer\GRU: the PHP class over the C core. */
#ifndef PHP_GRU_LAYER_H
#define PHP_GRU_LAYER_H

#include "php.h"

extern zend_class_entry *php_gru_layer_ce;

/* Registers the layer classes; called from MINIT. */
void php_gru_register_layer_classes(void);

#endif /* PHP_GRU_LAYER_H */
