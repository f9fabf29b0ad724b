/* Rindow\GRU\Runtime: version, BLAS and CPU facts, thread control. */
#ifndef PHP_GRU_RUNTIME_CLASS_H
#define PHP_GRU_RUNTIME_CLASS_H

extern zend_class_entry *php_gru_runtime_ce;

void php_gru_register_runtime_class(void);

#endif /* PHP_GRU_RUNTIME_CLASS_H */
