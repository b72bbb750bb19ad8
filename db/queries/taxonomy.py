"""SELECTs for sectors and skills."""





