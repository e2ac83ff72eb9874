build-h14/obj/archive_db.o: src/archive_db.c src/archive_db.h \
 src/archive.h src/fonts.h src/util.h
src/archive_db.h:
src/archive.h:
src/fonts.h:
src/util.h:
