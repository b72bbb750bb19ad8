"""DataLoaders for sectors and skills."""





