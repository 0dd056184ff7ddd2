a folder named like a file is still a folder {
