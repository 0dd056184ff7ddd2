this is not loaded: sub-folders are not part of the collection {
